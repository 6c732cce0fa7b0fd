import type { DataSource } from 'typeorm';

import { queryRows } from '../../database/query-rows.js';

/** Rows deleted per statement: short transactions that never hold up the live traffic on a table. */
const DELETE_BATCH = 1_000;

/**
 * Deletes the rows of `table` matching `where` in batches, skipping rows another instance is deleting
 * (or anyone has locked), until a batch comes back short or `stop()` says so. Returns the count.
 * `table`, `key` and `where` are trusted SQL from our own code; values go in `params`.
 */
export async function deleteInBatches(
  dataSource: DataSource,
  target: { table: string; key: string; where: string; params?: unknown[] },
  stop: () => boolean,
): Promise<number> {
  const params = target.params ?? [];
  let total = 0;
  for (;;) {
    const deleted = await queryRows<{ key: unknown }>(
      dataSource,
      `DELETE FROM ${target.table} WHERE ${target.key} IN (
         SELECT ${target.key} FROM ${target.table} WHERE ${target.where}
          LIMIT ${DELETE_BATCH} FOR UPDATE SKIP LOCKED)
       RETURNING ${target.key} AS key`,
      params,
    );
    total += deleted.length;
    if (deleted.length < DELETE_BATCH || stop()) return total;
  }
}
