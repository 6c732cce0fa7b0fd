import { Pool } from 'pg';

/** Every table a request could add a row to. */
const STORED_TABLES = [
  'users',
  'refresh_tokens',
  'channels',
  'contacts',
  'conversations',
  'messages',
  'webhook_events',
  'auto_replies',
  'campaigns',
] as const;

export type TableCounts = Record<(typeof STORED_TABLES)[number], number>;

/** Reads the database under test directly, beside the server, to see what requests left behind. */
export class DatabaseProbe {
  private constructor(private readonly client: Pool) {}

  /** A small pool of its own, so that concurrent checks do not queue behind each other. */
  static async connect(url: string): Promise<DatabaseProbe> {
    const pool = new Pool({ connectionString: url, max: 3 });
    await pool.query('SELECT 1');
    return new DatabaseProbe(pool);
  }

  async counts(): Promise<TableCounts> {
    const selects = STORED_TABLES.map((table) => `(SELECT count(*) FROM ${table})::int AS ${table}`).join(
      ', ',
    );
    const { rows } = await this.client.query<TableCounts>(`SELECT ${selects}`);
    return rows[0];
  }

  async query<T extends object>(sql: string, params: unknown[] = []): Promise<T[]> {
    const { rows } = await this.client.query<T>(sql, params);
    return rows;
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

/** The tables whose row count changed, with both counts. */
export function changedCounts(before: TableCounts, after: TableCounts): string[] {
  return STORED_TABLES.filter((table) => before[table] !== after[table]).map(
    (table) => `${table}: ${before[table]} → ${after[table]}`,
  );
}
