import type { NextFunction, Request, Response } from 'express';

import { ValidationError } from '../errors/domain-error.js';
import { isWebhookPath } from './webhook-routes.js';

/** NUL and lone surrogates: valid in JSON and forms, but PostgreSQL text and jsonb refuse them. */
// eslint-disable-next-line no-control-regex -- NUL is the character PostgreSQL refuses
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const MAX_DEPTH = 64;

const UNSTORABLE_GLOBAL = new RegExp(UNSTORABLE.source, 'g');

/**
 * Refuses a body carrying text the database cannot store, with a 400 naming the field, instead of
 * a failed statement (a 500) deep inside a service. Provider webhooks are exempt: a customer's
 * message is accepted as sent, and cleaned (see withStorableText) once its signature has been checked.
 */
export function rejectUnstorableText(request: Request, _response: Response, next: NextFunction): void {
  if (isWebhookPath(request.path)) return next();
  const field = findUnstorable(request.body as unknown, '', 0);
  if (field === undefined) return next();
  next(
    ValidationError.forField(
      field || 'body',
      'contains characters that cannot be stored (NUL or an unpaired surrogate)',
    ),
  );
}

/** A copy of `value` whose strings lose NULs and have lone surrogates replaced by U+FFFD. */
export function withStorableText<T>(value: T, depth = 0): T {
  if (typeof value === 'string') {
    return value.replace(UNSTORABLE_GLOBAL, (match) => (match === '\u0000' ? '' : '\uFFFD')) as T;
  }
  if (typeof value !== 'object' || value === null) return value;
  // No provider nests its callbacks anywhere near this deep; deeper is an attack on the stack.
  if (depth > MAX_DEPTH) throw new ValidationError(`The body is nested more than ${MAX_DEPTH} levels deep`);
  if (Array.isArray(value)) return value.map((item: unknown) => withStorableText(item, depth + 1)) as T;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [withStorableText(key), withStorableText(child, depth + 1)]),
  ) as T;
}

function findUnstorable(value: unknown, path: string, depth: number): string | undefined {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth > MAX_DEPTH) return path;
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    if (UNSTORABLE.test(key)) return childPath;
    const found = findUnstorable(child, childPath, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
