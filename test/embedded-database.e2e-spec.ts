import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

import { Client, Pool } from 'pg';

/**
 * The embedded database's server under concurrent clients: every query gets its own answer, and
 * a transaction is all-or-nothing and invisible to others until it commits.
 */
describe('The embedded PostgreSQL server (PGlite)', () => {
  let child: ChildProcess;
  let url: string;

  beforeAll(async () => {
    child = spawn(process.execPath, [join(__dirname, 'support', 'pglite-process.mjs')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /READY (\d+)/.exec(output);
        if (match) resolve(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
    });
    url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  });
  afterAll(() => {
    child.kill('SIGTERM');
  });

  it('answers each of many concurrent parameterised queries with its own result', async () => {
    const pool = new Pool({ connectionString: url, max: 10 });
    try {
      const results = await Promise.all(
        Array.from({ length: 500 }, (_, i) =>
          pool.query<{ sum: number; label: string }>('SELECT $1::int + $2::int AS sum, $3::text AS label', [
            i,
            1,
            `q${i}`,
          ]),
        ),
      );

      const wrong = results.filter(
        (result, i) => result.rows[0]?.sum !== i + 1 || result.rows[0]?.label !== `q${i}`,
      );
      expect(wrong).toHaveLength(0);
    } finally {
      await pool.end();
    }
  });

  it('keeps transactions whole and isolated while other connections keep querying', async () => {
    const pool = new Pool({ connectionString: url, max: 8 });
    try {
      await pool.query('CREATE TABLE tx_check (id int PRIMARY KEY, owner text NOT NULL)');
      await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            await client.query('INSERT INTO tx_check VALUES ($1, $2)', [i, `tx${i}`]);
            const seen = await client.query<{ count: string }>(
              'SELECT count(*) FROM tx_check WHERE owner = $1',
              [`tx${i}`],
            );
            expect(seen.rows[0].count).toBe('1');
            await client.query(i % 2 === 0 ? 'COMMIT' : 'ROLLBACK');
          } finally {
            client.release();
          }
        }),
      );

      const rows = await pool.query<{ id: number }>('SELECT id FROM tx_check ORDER BY id');
      expect(rows.rows.map((row) => row.id)).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
    } finally {
      await pool.end();
    }
  });

  it('delivers a result far larger than the socket buffers intact', async () => {
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query('CREATE TABLE bulky (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), n int NOT NULL)');
    // What a bulk write answers: one row per inserted row, megabytes in all.
    const result = await client.query<{ id: string; n: number }>(
      `INSERT INTO bulky (n) SELECT g FROM generate_series(1, 100000) g RETURNING id, n`,
    );
    const { rows } = await client.query<{ count: string }>('SELECT count(*) FROM bulky');
    await client.end();

    expect(result.rows).toHaveLength(100_000);
    expect(new Set(result.rows.map((row) => row.id)).size).toBe(100_000);
    expect(result.rows.every((row, i) => row.n === i + 1)).toBe(true);
    expect(rows[0].count).toBe('100000');
  });

  it('rolls back the transaction of a client that disconnects mid-way, and serves the others', async () => {
    const setup = new Client({ connectionString: url });
    await setup.connect();
    await setup.query('CREATE TABLE abandoned (id int)');

    const quitter = new Client({ connectionString: url });
    quitter.on('error', () => undefined);
    await quitter.connect();
    await quitter.query('BEGIN');
    await quitter.query('INSERT INTO abandoned VALUES (1)');
    const waiting = setup.query<{ count: string }>('SELECT count(*) FROM abandoned');
    (quitter as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();

    expect((await waiting).rows[0].count).toBe('0');
    await setup.end();
  });

  it('rolls back a transaction whose client left while the statement opening it still ran', async () => {
    const setup = new Client({ connectionString: url });
    await setup.connect();
    await setup.query('CREATE TABLE left_mid_statement (id int)');

    const quitter = new Client({ connectionString: url });
    quitter.on('error', () => undefined);
    await quitter.connect();
    // One simple-query turn that opens the transaction and is still running when the socket goes.
    const abandoned = quitter
      .query('BEGIN; INSERT INTO left_mid_statement VALUES (1); SELECT pg_sleep(0.3)')
      .catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    (quitter as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await abandoned;

    expect(
      (await setup.query<{ count: string }>('SELECT count(*) FROM left_mid_statement')).rows[0].count,
    ).toBe('0');
    await setup.end();
  });
});
