import pg from 'pg';

import { withDatabase } from '../../src/database/database-url.js';

export interface FreshDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database on the PostgreSQL server `serverUrl` points at; `drop()` removes it. */
export async function createFreshDatabase(serverUrl: string, prefix: string): Promise<FreshDatabase> {
  const name = `${prefix}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    await admin.end();
    throw error;
  }
  return {
    name,
    url: withDatabase(serverUrl, name),
    drop: async () => {
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}

/** The PostgreSQL server to benchmark against: these benchmarks measure PostgreSQL, not the embedded database. */
export function requirePostgresUrl(bench: string): string {
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error(
      `Set DATABASE_URL to a PostgreSQL server, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:${bench}`,
    );
  return url;
}
