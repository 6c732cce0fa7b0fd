import type { Readable } from 'node:stream';

import { Injectable } from '@nestjs/common';
import { type CsvError, type Info, parse } from 'csv-parse';

import { quoted } from '../contact-fields.js';
import { ContactImportWriter, type UpsertCounts } from './contact-import.writer.js';
import { type ImportLayout, type ImportRow, readImportHeader, readImportRow } from './import-layout.js';
import { LineLengthGuard } from './line-length-guard.js';
import { PhoneLineIndex } from './phone-line-index.js';

/** Rows per INSERT statement: large enough to be set-based, small enough to keep memory flat. */
export const IMPORT_CHUNK_SIZE = 1000;
/** The response lists this many rejected lines; `rejectedCount` counts them all. */
export const MAX_LISTED_REJECTIONS = 1000;
/** The longest CSV line or record accepted (a full row is about 55 KB: names, 50 tags, 50 attributes). */
export const MAX_LINE_BYTES = 128 * 1024;
const MAX_RECORD_CHARACTERS = MAX_LINE_BYTES;

interface ImportRejection {
  line: number;
  reason: string;
}

export interface ImportReport {
  imported: number;
  updated: number;
  rejected: ImportRejection[];
  rejectedCount: number;
}

export interface ImportOptions {
  defaultCountry?: string;
}

/** csv-parse's parser stops reading after these errors: the rest of the file is lost. */
const FATAL_CSV_ERRORS = new Set(['CSV_QUOTE_NOT_CLOSED', 'CSV_MAX_RECORD_SIZE']);

@Injectable()
export class ContactsImportService {
  constructor(private readonly writer: ContactImportWriter) {}

  /**
   * Imports a CSV stream: header row first (`phone` required; `name`, `firstName`, `lastName`,
   * `tags` known; any other column is an attribute), then one contact per row. Rows are read as
   * they arrive and written in chunks of IMPORT_CHUNK_SIZE, each chunk one statement; while a
   * chunk is written nothing more is read, so the upload is throttled to the database's pace and
   * memory stays flat whatever the file's size. An existing phone is updated. Bad rows are
   * rejected with their line number (the header is line 1); a duplicate phone keeps its first row.
   * The stream is always read to its end.
   */
  async importCsv(file: Readable, options: ImportOptions = {}): Promise<ImportReport> {
    const report = new ReportBuilder();
    // The parser runs ahead of the loop below; this follows the parser, for lines it has to skip.
    let lastParsedLine = 0;
    const csv = parse({
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      max_record_size: MAX_RECORD_CHARACTERS,
      info: true,
      on_record: (record, context) => {
        lastParsedLine = context.lines;
        return record;
      },
    });
    let unreadable = false;
    csv.on('skip', (error: CsvError) => {
      // After a fatal error the parser reports every further chunk again; one report says it all.
      if (unreadable) return;
      unreadable = FATAL_CSV_ERRORS.has(error.code);
      const rest = unreadable ? '; the rest of the file could not be read' : '';
      report.reject(lastParsedLine + 1, `is not valid CSV (${error.message})${rest}`);
      lastParsedLine = typeof error.lines === 'number' ? error.lines : lastParsedLine + 1;
    });
    // A line over the limit is cut out before the parser, which would stop reading at it.
    const guard = new LineLengthGuard(MAX_LINE_BYTES, (line) =>
      report.reject(line, `is longer than ${MAX_LINE_BYTES / 1024} KiB; the line was skipped`),
    );
    file.on('error', (error) => csv.destroy(error));
    guard.on('error', (error) => csv.destroy(error));
    file.pipe(guard).pipe(csv);

    let layout: ImportLayout | undefined;
    const firstLines = new PhoneLineIndex();
    let chunk: ImportRow[] = [];
    try {
      for await (const { record, info } of csv as AsyncIterable<{ record: string[]; info: Info }>) {
        const line = info.lines - embeddedLineBreaks(record);
        if (!layout) {
          const header = readImportHeader(record);
          if ('problem' in header) {
            report.reject(line, `${header.problem}; nothing was imported`);
            file.unpipe(guard);
            break;
          }
          layout = header.layout;
          continue;
        }
        const result = readImportRow(record, layout, options.defaultCountry);
        if ('reason' in result) {
          report.reject(line, result.reason);
          continue;
        }
        const firstLine = firstLines.firstLineOf(result.row.phone, line);
        if (firstLine !== undefined) {
          report.reject(
            line,
            `phone ${quoted(result.row.phone)} already appears on line ${firstLine}; the first one is kept`,
          );
          continue;
        }
        chunk.push(result.row);
        if (chunk.length >= IMPORT_CHUNK_SIZE) {
          report.add(await this.writer.upsert(chunk));
          chunk = [];
        }
      }
      report.add(await this.writer.upsert(chunk));
      if (!layout && report.rejectedCount === 0) {
        report.reject(1, 'the file is empty; it needs a header row with a "phone" column');
      }
    } finally {
      // Whatever happened, read the upload to its end, so the request (and busboy) can finish.
      file.unpipe(guard);
      file.resume();
    }
    return report.build();
  }
}

/** A quoted field may span lines; the record's own line is where it starts. */
function embeddedLineBreaks(record: readonly string[]): number {
  let breaks = 0;
  for (const field of record) {
    for (let index = field.indexOf('\n'); index !== -1; index = field.indexOf('\n', index + 1)) breaks += 1;
  }
  return breaks;
}

class ReportBuilder {
  private imported = 0;
  private updated = 0;
  private readonly rejections: ImportRejection[] = [];
  rejectedCount = 0;

  add(counts: UpsertCounts): void {
    this.imported += counts.inserted;
    this.updated += counts.updated;
  }

  reject(line: number, reason: string): void {
    this.rejectedCount += 1;
    if (this.rejections.length < MAX_LISTED_REJECTIONS) this.rejections.push({ line, reason });
  }

  build(): ImportReport {
    return {
      imported: this.imported,
      updated: this.updated,
      rejected: [...this.rejections].sort((a, b) => a.line - b.line),
      rejectedCount: this.rejectedCount,
    };
  }
}
