import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs a statement and returns its rows. TypeORM answers `UPDATE/DELETE … RETURNING` on PostgreSQL
 * with `[rows, affectedCount]` instead of the rows, which is easy to misread as two rows.
 */
export async function queryRows<T>(
  db: DataSource | EntityManager,
  sql: string,
  params?: unknown[],
): Promise<T[]> {
  const result: unknown = await db.query(sql, params);
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}
