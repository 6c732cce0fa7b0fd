import { randomInt } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { expect } from '@jest/globals';

import { bodyOf, errorOf } from './support/bodies.js';
import type { PageView } from './support/inbox.js';
import { bearer, createUserAndLogin, startTestApp, type TestApp, type TestUser } from './support/test-app.js';

interface ImportResult {
  imported: number;
  updated: number;
  rejected: Array<{ line: number; reason: string }>;
  rejectedCount: number;
}

/** A random valid US number (+1 415 NXX XXXX), so test files sharing the database never collide. */
const randomPhone = () => `+1415${randomInt(2, 10)}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;

const BOUNDARY = '----switchboard-test-boundary';

/**
 * POSTs a multipart upload whose file part is produced chunk by chunk and sent with chunked
 * transfer encoding: neither side ever holds the whole file.
 */
async function uploadStream(
  baseUrl: string,
  user: TestUser,
  fileChunks: () => Iterable<string>,
  path = '/api/v1/contacts/import',
): Promise<{ status: number; body: unknown }> {
  const url = new URL(path, baseUrl);
  const request = httpRequest(url, {
    method: 'POST',
    headers: {
      ...bearer(user),
      'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`,
      'Transfer-Encoding': 'chunked',
    },
  });
  const responded = new Promise<{ status: number; body: unknown }>((resolve, reject) => {
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as unknown }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
  });
  const parts = function* () {
    yield `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="contacts.csv"\r\nContent-Type: text/csv\r\n\r\n`;
    yield* fileChunks();
    yield `\r\n--${BOUNDARY}--\r\n`;
  };
  await pipeline(Readable.from(parts()), request);
  return responded;
}

describe('Contacts import (CSV)', () => {
  let sut: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    sut = await startTestApp();
    admin = await createUserAndLogin(sut, 'admin');
  });
  afterAll(() => sut.close());

  const importCsv = (csv: string, query: Record<string, string> = {}, user: TestUser = admin) =>
    sut.http
      .post('/api/v1/contacts/import')
      .query(query)
      .set(bearer(user))
      .attach('file', Buffer.from(csv), { filename: 'contacts.csv', contentType: 'text/csv' });
  const contactWithPhone = async (phone: string) => {
    const response = await sut.http
      .get('/api/v1/contacts')
      .query({ search: phone })
      .set(bearer(admin))
      .expect(200);
    return bodyOf<PageView<Record<string, unknown>>>(response).items.find(
      (contact) => contact.phone === phone,
    );
  };

  it('imports new contacts, updates known phones and reports bad lines by their line number', async () => {
    const known = (
      await sut.http
        .post('/api/v1/contacts')
        .set(bearer(admin))
        .send({
          phone: randomPhone(),
          name: 'Old Name',
          firstName: 'Kept',
          attributes: { plan: 'silver', since: '2020' },
          tags: ['old'],
        })
        .expect(201)
    ).body as { id: string; phone: string };
    const [ada, grace, third] = [randomPhone(), randomPhone(), randomPhone()];
    const csv = [
      'phone,name,firstName,lastName,tags,company,plan',
      `${ada},Ada Lovelace,Ada,Lovelace,vip; newsletter ;vip,Analytical Engines,gold`,
      'not-a-phone,Nobody,,,,,',
      `${known.phone},New Name,,,customer;vip,,platinum`,
      `${ada.replace('+1', '+1 ')},Ada Again,,,,,`,
      `${grace},Grace Hopper,Grace,Hopper`,
      `${randomPhone()},Nul\u0000Name,,,,,`,
      '',
      `${third},"Multi-line, quoted ""name""",,,,"Line one`,
      'line two",',
    ].join('\r\n');

    const response = await importCsv(csv).expect(200);

    expect(response.body).toEqual({
      imported: 2,
      updated: 1,
      rejected: [
        { line: 3, reason: expect.stringMatching(/phone "not-a-phone" is not a valid phone number/) },
        { line: 5, reason: `phone "${ada}" already appears on line 2; the first one is kept` },
        { line: 6, reason: 'has 4 columns but the header has 7' },
        { line: 7, reason: 'name must not contain NUL characters' },
      ],
      rejectedCount: 4,
    });
    expect(await contactWithPhone(ada)).toMatchObject({
      name: 'Ada Lovelace',
      firstName: 'Ada',
      lastName: 'Lovelace',
      tags: ['vip', 'newsletter'],
      attributes: { company: 'Analytical Engines', plan: 'gold' },
      optedOut: false,
    });
    const updated = await sut.http.get(`/api/v1/contacts/${known.id}`).set(bearer(admin)).expect(200);
    expect(updated.body).toMatchObject({
      name: 'New Name',
      firstName: 'Kept',
      tags: ['customer', 'vip'],
      attributes: { plan: 'platinum', since: '2020' },
    });
    expect(await contactWithPhone(third)).toMatchObject({
      name: 'Multi-line, quoted "name"',
      attributes: { company: 'Line one\r\nline two' },
    });
    expect(await contactWithPhone(grace)).toBeUndefined();
  });

  it('reads national numbers with ?defaultCountry=', async () => {
    const phone = randomPhone();
    const national = `(${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}`;

    const response = await importCsv(`phone,name\n"${national}",National\n`, { defaultCountry: 'US' }).expect(
      200,
    );

    expect(response.body).toMatchObject({ imported: 1, rejectedCount: 0 });
    expect(await contactWithPhone(phone)).toMatchObject({ name: 'National' });
    await importCsv('phone\n+14155550100\n', { defaultCountry: 'ZZ' }).expect(400);
  });

  it('rejects a 5 MiB line by its number and still imports the lines after it', async () => {
    const [before, after] = [randomPhone(), randomPhone()];

    const response = await importCsv(
      `phone,name\n${before},Before\n${'x'.repeat(5 * 1024 * 1024)}\n${after},After\n`,
    ).expect(200);

    expect(response.body).toEqual({
      imported: 2,
      updated: 0,
      rejected: [{ line: 3, reason: expect.stringContaining('longer than 128 KiB') }],
      rejectedCount: 1,
    });
    expect(await contactWithPhone(after)).toMatchObject({ name: 'After' });
  });

  it('rejects line 1 and imports nothing when the header has no phone column', async () => {
    const phone = randomPhone();

    const response = await importCsv(`mobile,name\n${phone},Nobody\n`).expect(200);

    expect(response.body).toEqual({
      imported: 0,
      updated: 0,
      rejected: [{ line: 1, reason: expect.stringMatching(/no "phone" column/) }],
      rejectedCount: 1,
    });
    expect(await contactWithPhone(phone)).toBeUndefined();
  });

  it('answers 400 naming file without a file part or with another content type', async () => {
    const noFile = await sut.http
      .post('/api/v1/contacts/import')
      .set(bearer(admin))
      .field('other', 'value')
      .expect(400);
    expect(errorOf(noFile).details).toEqual([expect.objectContaining({ field: 'file' })]);

    const json = await sut.http
      .post('/api/v1/contacts/import')
      .set(bearer(admin))
      .send({ file: 'phone\n+14155550100' })
      .expect(400);
    expect(errorOf(json).details).toEqual([expect.objectContaining({ field: 'file' })]);

    await sut.http
      .post('/api/v1/contacts/import')
      .set(bearer(admin))
      .set('Content-Type', 'text/csv')
      .send('phone\n+14155550100\n')
      .expect(400);
  });

  it('answers 413 at once for an upload declared larger than 200 MiB', async () => {
    const result = await new Promise<{ status: number; body: { statusCode: number } }>((resolve, reject) => {
      const request = httpRequest(new URL('/api/v1/contacts/import', sut.url), {
        method: 'POST',
        headers: {
          ...bearer(admin),
          'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`,
          'Content-Length': String(300 * 1024 * 1024),
        },
      });
      request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as { statusCode: number } }),
        );
      });
      request.on('error', reject);
      request.write(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\nphone\n`,
      );
    });

    expect(result).toEqual({
      status: 413,
      body: expect.objectContaining({ statusCode: 413, error: 'Payload Too Large' }),
    });
  });

  it('lets agents import', async () => {
    const agent = await createUserAndLogin(sut, 'agent');

    await importCsv(`phone\n${randomPhone()}\n`, {}, agent).expect(200);
  });

  it('streams 100,000 lines in one upload and counts every one of them', async () => {
    const lines = 100_000;
    const prefix = `+49151${String(randomInt(0, 1000)).padStart(3, '0')}`;
    // Every 10,000th line carries a number too short to be valid.
    const phoneOn = (dataLine: number) =>
      dataLine % 10_000 === 0 ? `${prefix}1` : `${prefix}${String(dataLine - 1).padStart(5, '0')}`;
    function* csv() {
      yield 'phone,name,tags,batch\n';
      let chunk = '';
      for (let dataLine = 1; dataLine <= lines; dataLine += 1) {
        chunk += `${phoneOn(dataLine)},Person ${dataLine},bulk;stream,${prefix}\n`;
        if (dataLine % 2000 === 0) {
          yield chunk;
          chunk = '';
        }
      }
      yield chunk;
    }

    const response = await uploadStream(sut.url, admin, csv);

    expect(response.status).toBe(200);
    const result = response.body as ImportResult;
    expect(result).toMatchObject({ imported: lines - 10, updated: 0, rejectedCount: 10 });
    // Data line n is file line n + 1.
    expect(result.rejected.map((rejection) => rejection.line)).toEqual(
      Array.from({ length: 10 }, (_, index) => (index + 1) * 10_000 + 1),
    );
    const [stored] = await sut.dataSource.query<Array<{ count: number; tagged: number }>>(
      `SELECT count(*)::int AS count, count(*) FILTER (WHERE tags = '{bulk,stream}' AND attributes->>'batch' = $2)::int AS tagged
       FROM contacts WHERE phone LIKE $1`,
      [`${prefix}%`, prefix],
    );
    expect(stored).toEqual({ count: lines - 10, tagged: lines - 10 });
    // About 15 s alone on the embedded database; the margin is for a busy machine running every file at once.
  }, 120_000);
});
