import { type Type as ClassType } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import type { ObjectLiteral, Repository } from 'typeorm';

import { decodeCursor, encodeCursor } from './cursor.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Builds a page from rows fetched with `limit + 1`: the extra row only tells whether another page
 * exists, and the cursor points at the last row returned.
 */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  position: (row: Row) => { at: Date; id: string },
  map: (row: Row) => Item,
): Page<Item> {
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? encodeCursor({ at: position(last).at.toISOString(), id: position(last).id })
      : null;
  return { items: pageRows.map(map), nextCursor };
}

/**
 * The rows of one page of a table newest first (`created_at DESC, id DESC`, which an index of the table
 * serves), after `cursor`: `limit + 1` of them, for `newestFirstPage`.
 */
export function newestFirstRows<Row extends ObjectLiteral>(
  repository: Repository<Row>,
  limit: number,
  cursor?: string,
): Promise<Row[]> {
  const query = repository
    .createQueryBuilder('r')
    .orderBy('r.created_at', 'DESC')
    .addOrderBy('r.id', 'DESC')
    .limit(limit + 1);
  if (cursor) query.where('(r.created_at, r.id) < (:at, :id)', decodeCursor(cursor));
  return query.getMany();
}

/** A page of rows read by `newestFirstRows`, each shown as `map` says. */
export function newestFirstPage<Row extends { createdAt: Date; id: string }, Item>(
  rows: Row[],
  limit: number,
  map: (row: Row) => Item,
): Page<Item> {
  return toPage(rows, limit, (row) => ({ at: row.createdAt, id: row.id }), map);
}

/** A Swagger-described page class for one item type: `class UserPageDto extends PageDto(UserDto) {}`. */
export function PageDto<T>(itemType: ClassType<T>) {
  class PageOfItems implements Page<T> {
    @ApiProperty({ type: [itemType] })
    items!: T[];

    @ApiProperty({ type: String, nullable: true, example: null })
    nextCursor!: string | null;
  }
  return PageOfItems;
}
