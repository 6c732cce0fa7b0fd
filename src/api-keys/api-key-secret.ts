import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const KEY_PREFIX = 'sb_';
const RANDOM_BYTES = 32;
/** `sb_` and the first 8 characters of the random part: enough to tell keys apart in a list, useless to an attacker. */
const SHOWN_LENGTH = KEY_PREFIX.length + 8;
const KEY_SHAPE = /^sb_[A-Za-z0-9_-]{43}$/;

export interface NewKeySecret {
  key: string;
  prefix: string;
  hash: Buffer;
}

export function generateKeySecret(): NewKeySecret {
  const key = `${KEY_PREFIX}${randomBytes(RANDOM_BYTES).toString('base64url')}`;
  return { key, prefix: key.slice(0, SHOWN_LENGTH), hash: hashKey(key) };
}

/** Whether a bearer token is meant as an API key (and not a JWT, which never starts with `sb_`). */
export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(KEY_PREFIX);
}

/** The prefix a well-formed key is stored under, or undefined for anything that cannot be a key. */
export function prefixOf(key: string): string | undefined {
  return KEY_SHAPE.test(key) ? key.slice(0, SHOWN_LENGTH) : undefined;
}

export function hashKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

export function hashesMatch(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
