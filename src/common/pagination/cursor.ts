import { ValidationError } from '../errors/domain-error.js';

/** A position in a list ordered by (timestamp DESC, id DESC): stable under concurrent inserts. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Cursor {
  at: string;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id])).toString('base64url');
}

export function decodeCursor(value: string): Cursor {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (
      Array.isArray(decoded) &&
      decoded.length === 2 &&
      typeof decoded[0] === 'string' &&
      typeof decoded[1] === 'string' &&
      UUID.test(decoded[1]) &&
      !Number.isNaN(Date.parse(decoded[0]))
    ) {
      return { at: decoded[0], id: decoded[1] };
    }
  } catch {
    // fall through to the validation error
  }
  throw ValidationError.forField('cursor', 'is not a cursor returned by this list');
}
