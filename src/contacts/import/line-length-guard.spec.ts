import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';

import { LineLengthGuard } from './line-length-guard.js';

describe('LineLengthGuard', () => {
  const guarded = async (pieces: string[], maxBytes = 5) => {
    const dropped: number[] = [];
    const output = await text(
      Readable.from(pieces.map((piece) => Buffer.from(piece))).pipe(
        new LineLengthGuard(maxBytes, (line) => dropped.push(line)),
      ),
    );
    return { output, dropped };
  };

  it('keeps lines up to the limit and blanks longer ones, whatever the chunking', async () => {
    expect(await guarded(['12345\n123456\nab', 'c\n1234', '56789\nlast'])).toEqual({
      output: '12345\n\nabc\n\nlast',
      dropped: [2, 4],
    });
  });

  it('blanks an over-long last line without a newline', async () => {
    expect(await guarded(['ok\n', '123', '456'])).toEqual({ output: 'ok\n', dropped: [2] });
  });
});
