import { Transform, type TransformCallback } from 'node:stream';

const NEWLINE = 0x0a;

/**
 * Passes a CSV upload through line by line, replacing each line longer than `maxBytes` with an
 * empty line (so the lines after it keep their numbers) and telling `onDropped` its line number.
 * The CSV parser stops for good at a record over its limit; cut here, one bad line costs only
 * itself. A line is held until it is complete or too long, so memory stays under `maxBytes`.
 */
export class LineLengthGuard extends Transform {
  private line = 1;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private dropping = false;

  constructor(
    private readonly maxBytes: number,
    private readonly onDropped: (line: number) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline === -1 ? chunk.length : newline + 1;
      this.consume(chunk.subarray(start, end), newline !== -1);
      start = end;
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (!this.dropping && this.pendingBytes > 0) this.push(Buffer.concat(this.pending));
    done();
  }

  /** `piece` is the rest of the current line, or a part of it when `complete` is false. */
  private consume(piece: Buffer, complete: boolean): void {
    if (!this.dropping) {
      // The newline itself does not count towards the line's length.
      if (this.pendingBytes + piece.length - (complete ? 1 : 0) > this.maxBytes) {
        this.dropping = true;
        this.pending = [];
        this.pendingBytes = 0;
        this.onDropped(this.line);
      } else {
        this.pending.push(piece);
        this.pendingBytes += piece.length;
      }
    }
    if (!complete) return;
    this.push(this.dropping ? Buffer.from('\n') : Buffer.concat(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
    this.dropping = false;
    this.line += 1;
  }
}
