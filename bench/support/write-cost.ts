/**
 * What a benchmark's writes cost the database, read from PostgreSQL itself (works on PGlite too):
 * WAL bytes between two `pg_current_wal_lsn()` readings, tuples written per table from
 * `pg_stat_user_tables`, index entries written by evaluating each index's predicate over the rows,
 * and the lean-table floor the issue measures the app against.
 */
import { performance } from 'node:perf_hooks';

import type pg from 'pg';

import { round } from './format.js';

/** The current WAL position, as text (`0/1A2B3C`). */
export async function walLsn(db: pg.Client): Promise<string> {
  const { rows } = await db.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
  return rows[0].lsn;
}

/** Bytes of WAL written since `from`. */
export async function walBytesSince(db: pg.Client, from: string): Promise<number> {
  const { rows } = await db.query<{ bytes: string }>(
    'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn) AS bytes',
    [from],
  );
  return Number(rows[0].bytes);
}

export interface TupleCounts {
  inserted: number;
  updated: number;
  hotUpdated: number;
}

/**
 * Cumulative tuple counters of the tables. The counters of other sessions reach the statistics when
 * those sessions are idle or end, so read them after the app has closed its connections.
 */
export async function tupleCounts(
  db: pg.Client,
  tables: readonly string[],
): Promise<Record<string, TupleCounts>> {
  await db.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await db.query<{ relname: string; ins: string; upd: string; hot: string }>(
    `SELECT relname, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_hot_upd AS hot
       FROM pg_stat_user_tables WHERE relname = ANY($1::text[])`,
    [tables],
  );
  const counts: Record<string, TupleCounts> = {};
  for (const table of tables) counts[table] = { inserted: 0, updated: 0, hotUpdated: 0 };
  for (const row of rows)
    counts[row.relname] = {
      inserted: Number(row.ins),
      updated: Number(row.upd),
      hotUpdated: Number(row.hot),
    };
  return counts;
}

export function tupleDelta(
  before: Record<string, TupleCounts>,
  after: Record<string, TupleCounts>,
): Record<string, TupleCounts> {
  const delta: Record<string, TupleCounts> = {};
  for (const [table, a] of Object.entries(after)) {
    const b = before[table] ?? { inserted: 0, updated: 0, hotUpdated: 0 };
    delta[table] = {
      inserted: a.inserted - b.inserted,
      updated: a.updated - b.updated,
      hotUpdated: a.hotUpdated - b.hotUpdated,
    };
  }
  return delta;
}

/**
 * How many index entries the given rows of `table` occupy: each btree (or GIN/GiST) index holds an
 * entry for every row its predicate (if partial) accepts, NULL keys included. `overrides` replaces
 * columns by SQL expressions first, to count the rows as they were when inserted (e.g. `status` as
 * `'queued'`, the provider's ids as NULL). Returns the total and the count per index.
 */
export async function indexEntries(
  db: pg.Client,
  table: string,
  where: string,
  params: readonly unknown[],
  overrides: Record<string, string> = {},
): Promise<{ total: number; perIndex: Record<string, number> }> {
  const { rows: indexes } = await db.query<{ name: string; predicate: string | null }>(
    `SELECT ic.relname AS name, pg_get_expr(i.indpred, i.indrelid) AS predicate
       FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
      WHERE t.relname = $1 AND t.relnamespace = 'public'::regnamespace ORDER BY ic.relname`,
    [table],
  );
  if (indexes.length === 0) return { total: 0, perIndex: {} };
  const { rows: columns } = await db.query<{ name: string }>(
    `SELECT column_name AS name FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  const select = columns
    .map(({ name }) => (name in overrides ? `${overrides[name]} AS "${name}"` : `t."${name}"`))
    .join(', ');
  const counts = indexes
    .map((index, i) => `count(*) FILTER (WHERE ${index.predicate ?? 'TRUE'}) AS i${i}`)
    .join(', ');
  const { rows } = await db.query<Record<string, string>>(
    `SELECT ${counts} FROM (SELECT ${select} FROM ${table} t WHERE ${where}) AS x`,
    [...params],
  );
  const perIndex: Record<string, number> = {};
  let total = 0;
  indexes.forEach((index, i) => {
    perIndex[index.name] = Number(rows[0][`i${i}`]);
    total += perIndex[index.name];
  });
  return { total, perIndex };
}

export interface FloorResult {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  insertSeconds: number;
  updateSeconds: number;
  walBytesPerRow: number;
}

/**
 * The floor from issue 17: a lean table (uuid key + 3 columns) filled with one
 * `INSERT … SELECT generate_series`, then every row updated by id in chunks of `chunk`
 * (`UPDATE … WHERE id = ANY($1)`), on the same database and machine as the app's run. Not a copy of
 * the app's schema: it is what the database can write at all, the ceiling any schema is measured against.
 */
export async function measureFloor(db: pg.Client, rows: number, chunk = 1000): Promise<FloorResult> {
  await db.query(`DROP TABLE IF EXISTS bench_floor`);
  await db.query(`CREATE TABLE bench_floor (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(), recipient text NOT NULL, status text NOT NULL, updated_at timestamptz NOT NULL)`);
  try {
    const lsn = await walLsn(db);
    const started = performance.now();
    const inserted = await db.query<{ id: string }>(
      `INSERT INTO bench_floor (recipient, status, updated_at)
       SELECT '+1415' || lpad(g::text, 7, '0'), 'queued', now() FROM generate_series(1, $1::int) g RETURNING id`,
      [rows],
    );
    const insertSeconds = (performance.now() - started) / 1000;
    const ids = inserted.rows.map((row) => row.id);
    for (let i = 0; i < ids.length; i += chunk) {
      await db.query(
        `UPDATE bench_floor SET status = 'sent', updated_at = now() WHERE id = ANY($1::uuid[])`,
        [ids.slice(i, i + chunk)],
      );
    }
    const seconds = (performance.now() - started) / 1000;
    const walBytes = await walBytesSince(db, lsn);
    return {
      rows,
      seconds: round(seconds),
      rowsPerSecond: Math.round(rows / seconds),
      insertSeconds: round(insertSeconds),
      updateSeconds: round(seconds - insertSeconds),
      walBytesPerRow: Math.round(walBytes / rows),
    };
  } finally {
    await db.query(`DROP TABLE IF EXISTS bench_floor`);
  }
}
