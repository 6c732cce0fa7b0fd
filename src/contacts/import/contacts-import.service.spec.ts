import { PassThrough, Readable } from 'node:stream';
import { finished } from 'node:stream/promises';

import { expect } from '@jest/globals';

import type { ContactImportWriter, UpsertCounts } from './contact-import.writer.js';
import {
  ContactsImportService,
  IMPORT_CHUNK_SIZE,
  MAX_LINE_BYTES,
  MAX_LISTED_REJECTIONS,
} from './contacts-import.service.js';
import type { ImportRow } from './import-layout.js';

/** Stands in for the database: remembers phones, counts an existing one as an update. */
class FakeWriter {
  readonly chunks: ImportRow[][] = [];
  readonly stored = new Map<string, ImportRow>();

  constructor(existing: string[] = []) {
    for (const phone of existing)
      this.stored.set(phone, {
        phone,
        name: null,
        firstName: null,
        lastName: null,
        tags: null,
        timeZone: null,
        attributes: null,
      });
  }

  upsert(rows: readonly ImportRow[]): Promise<UpsertCounts> {
    if (rows.length > 0) this.chunks.push([...rows]);
    let inserted = 0;
    for (const row of rows) {
      if (!this.stored.has(row.phone)) inserted += 1;
      this.stored.set(row.phone, row);
    }
    return Promise.resolve({ inserted, updated: rows.length - inserted });
  }
}

const csvFactory = {
  lines: (...lines: string[]) => Readable.from([`${lines.join('\n')}\n`]),
  numbered: (count: number, phoneOf = (index: number) => `+49151${String(index).padStart(8, '0')}`) =>
    Readable.from(
      (function* () {
        yield 'phone,name\n';
        for (let index = 0; index < count; index += 1) yield `${phoneOf(index)},Person ${index}\n`;
      })(),
    ),
};

describe('ContactsImportService', () => {
  let writer: FakeWriter;
  let sut: ContactsImportService;

  const arrange = (existing: string[] = []) => {
    writer = new FakeWriter(existing);
    sut = new ContactsImportService(writer as unknown as ContactImportWriter);
  };
  beforeEach(() => arrange());

  it('imports good rows, updates known phones and rejects bad lines by their line number', async () => {
    arrange(['+14155550199']);

    const report = await sut.importCsv(
      csvFactory.lines(
        'phone,name,firstName,lastName,tags,company',
        '+14155550100,Ada Lovelace,Ada,Lovelace,vip;newsletter,Analytical Engines',
        'not a phone,Bad,,,,',
        '+14155550199,Known,,,,',
        '+1 415 555 0100,Ada again,,,,',
        '+14155550101,Too,many,columns,here,x,y',
        '',
        '+14155550102,"Grace ""Amazing"" Hopper",,,,',
      ),
    );

    expect(report).toEqual({
      imported: 2,
      updated: 1,
      rejected: [
        { line: 3, reason: expect.stringMatching(/phone "not a phone" is not a valid phone number/) },
        { line: 5, reason: 'phone "+14155550100" already appears on line 2; the first one is kept' },
        { line: 6, reason: 'has 7 columns but the header has 6' },
      ],
      rejectedCount: 3,
    });
    expect(writer.stored.get('+14155550100')).toEqual({
      phone: '+14155550100',
      name: 'Ada Lovelace',
      firstName: 'Ada',
      lastName: 'Lovelace',
      tags: ['vip', 'newsletter'],
      timeZone: null,
      attributes: { company: 'Analytical Engines' },
    });
    expect(writer.stored.get('+14155550102')?.name).toBe('Grace "Amazing" Hopper');
  });

  it('writes in chunks of the chunk size', async () => {
    const report = await sut.importCsv(csvFactory.numbered(2 * IMPORT_CHUNK_SIZE + 500));

    expect(report).toMatchObject({ imported: 2 * IMPORT_CHUNK_SIZE + 500, updated: 0, rejectedCount: 0 });
    expect(writer.chunks.map((chunk) => chunk.length)).toEqual([IMPORT_CHUNK_SIZE, IMPORT_CHUNK_SIZE, 500]);
  });

  it('numbers a row after a multi-line quoted field by the line it starts on', async () => {
    const report = await sut.importCsv(
      csvFactory.lines('phone,name', '+14155550100,"two', 'lines"', 'bad,x', '+14155550101,"x'),
    );

    expect(report.rejected).toEqual([
      { line: 4, reason: expect.stringMatching(/phone "bad"/) },
      {
        line: 5,
        reason: expect.stringMatching(
          /not valid CSV .*Quote Not Closed.*the rest of the file could not be read/,
        ),
      },
    ]);
    expect(writer.stored.get('+14155550100')?.name).toBe('two\nlines');
  });

  it('reports an unclosed quote once, on the line where it opens, when the rest of the file cannot be read', async () => {
    const report = await sut.importCsv(
      Readable.from(
        (function* () {
          yield 'phone,name\n+14155550100,Ada\n+14155550101,"never closed\n';
          for (let index = 0; index < 500; index += 1) yield '+14155550102,filler\n'.repeat(100);
        })(),
      ),
    );

    expect(report).toEqual({
      imported: 1,
      updated: 0,
      rejected: [
        { line: 3, reason: expect.stringMatching(/not valid CSV .*the rest of the file could not be read/) },
      ],
      rejectedCount: 1,
    });
  });

  it('rejects an over-long line by its number and imports the lines after it', async () => {
    const report = await sut.importCsv(
      Readable.from(
        (function* () {
          yield 'phone,name\n+14155550100,Ada\n+14155550101,';
          // 5 MiB on line 3, arriving in pieces as an upload does.
          for (let index = 0; index < 80; index += 1) yield 'x'.repeat(64 * 1024);
          yield '\n+14155550102,Grace\n+14155550103,"two\nlines"\nbad,x\n+14155550104,Alan';
        })(),
      ),
    );

    expect(report).toEqual({
      imported: 4,
      updated: 0,
      rejected: [
        { line: 3, reason: `is longer than ${MAX_LINE_BYTES / 1024} KiB; the line was skipped` },
        { line: 7, reason: expect.stringMatching(/phone "bad"/) },
      ],
      rejectedCount: 2,
    });
    expect(writer.stored.get('+14155550103')?.name).toBe('two\nlines');
    expect(writer.stored.get('+14155550104')?.name).toBe('Alan');
  });

  it('reads national numbers with the default country', async () => {
    const report = await sut.importCsv(csvFactory.lines('phone', '(415) 555-0100'), { defaultCountry: 'US' });

    expect(report).toMatchObject({ imported: 1, rejectedCount: 0 });
    expect(writer.stored.has('+14155550100')).toBe(true);
  });

  it('rejects line 1 and imports nothing when the header has no phone column, yet reads the whole upload', async () => {
    const upload = csvFactory.numbered(5000);
    const withoutPhone = upload.pipe(
      new PassThrough({
        transform: (chunk: Buffer, _encoding, done) =>
          done(null, chunk.toString().replace('phone,', 'mobile,')),
      }),
    );

    const report = await sut.importCsv(withoutPhone);

    expect(report).toEqual({
      imported: 0,
      updated: 0,
      rejected: [{ line: 1, reason: expect.stringMatching(/no "phone" column.*nothing was imported/) }],
      rejectedCount: 1,
    });
    expect(writer.chunks).toEqual([]);
    // busboy finishes the request only once the file stream has been read to its end.
    await expect(finished(withoutPhone)).resolves.toBeUndefined();
  });

  it('says so when the file is empty', async () => {
    const report = await sut.importCsv(Readable.from([]));

    expect(report.rejected).toEqual([{ line: 1, reason: expect.stringMatching(/file is empty/) }]);
  });

  it(`lists the first ${MAX_LISTED_REJECTIONS} rejected lines and counts them all`, async () => {
    const report = await sut.importCsv(csvFactory.numbered(MAX_LISTED_REJECTIONS + 234, () => 'nope'));

    expect(report.rejected).toHaveLength(MAX_LISTED_REJECTIONS);
    expect(report.rejected[0].line).toBe(2);
    expect(report.rejectedCount).toBe(MAX_LISTED_REJECTIONS + 234);
  });

  it('fails when the upload fails', async () => {
    const upload = new PassThrough();
    upload.write('phone\n+14155550100\n');
    setImmediate(() => upload.destroy(new Error('connection reset')));

    await expect(sut.importCsv(upload)).rejects.toThrow('connection reset');
  });
});
