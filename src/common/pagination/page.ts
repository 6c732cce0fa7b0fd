import { type Type as ClassType } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';

import { encodeCursor } from './cursor.js';

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
