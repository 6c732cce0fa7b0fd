import { createHmac } from 'node:crypto';
import { safeEqual } from '../../../common/crypto/safe-equal.js';

const V3_HEADERS = ['x-plivo-signature-v3', 'x-plivo-signature-ma-v3'] as const;
const V3_NONCE_HEADER = 'x-plivo-signature-v3-nonce';
const V2_HEADERS = ['x-plivo-signature-v2', 'x-plivo-signature-ma-v2'] as const;
const V2_NONCE_HEADER = 'x-plivo-signature-v2-nonce';

/**
 * Plivo's V3 signature of a POST: base64(HMAC-SHA256(authToken, signedUrl + "." + nonce)) where
 * signedUrl is the URL without its query, then "?" and the query re-sorted (`k=v&…`, followed by "."
 * when there are form params), then the form params sorted by key as `key+value` with no separators.
 */
export function computePlivoV3Signature(
  authToken: string,
  url: string,
  params: Record<string, string>,
  nonce: string,
): string {
  return hmacBase64(authToken, `${plivoV3SignedUrl(url, params)}.${nonce}`);
}

/** Plivo's V2 signature: base64(HMAC-SHA256(authToken, url-without-query + nonce)). */
export function computePlivoV2Signature(authToken: string, url: string, nonce: string): string {
  return hmacBase64(authToken, splitUrl(url).base + nonce);
}

/**
 * Authenticates a Plivo callback (a POST with form params) by V3 when a V3 header is present, else by V2.
 * A V3 header that does not match is final: falling back to V2 would let a request signed under the
 * weaker scheme (which ignores the body) through with a body that V3 rejected.
 */
export function verifyPlivoSignature(
  authToken: string,
  publicUrl: string,
  params: Record<string, string>,
  headers: Record<string, string | undefined>,
): boolean {
  const v3Values = V3_HEADERS.map((name) => headers[name]).filter(isPresent);
  if (v3Values.length > 0) {
    const nonce = headers[V3_NONCE_HEADER];
    if (!nonce) return false;
    const expected = computePlivoV3Signature(authToken, publicUrl, params, nonce);
    // Plivo may send several signatures (e.g. during a token rotation); any one matching is enough.
    const candidates = v3Values.flatMap((value) => value.split(','));
    return candidates.reduce((matched, candidate) => safeEqual(candidate, expected) || matched, false);
  }

  const v2Values = V2_HEADERS.map((name) => headers[name]).filter(isPresent);
  const nonce = headers[V2_NONCE_HEADER];
  if (v2Values.length === 0 || !nonce) return false;
  const expected = computePlivoV2Signature(authToken, publicUrl, nonce);
  return v2Values.reduce((matched, candidate) => safeEqual(candidate, expected) || matched, false);
}

function plivoV3SignedUrl(url: string, params: Record<string, string>): string {
  const { base, query } = splitUrl(url);
  const hasParams = Object.keys(params).length > 0;
  const sortedQuery = sortedQueryString(query);
  let signed = base;
  if (sortedQuery || hasParams) signed += `?${sortedQuery}`;
  if (sortedQuery && hasParams) signed += '.';
  for (const key of Object.keys(params).sort()) signed += key + params[key];
  return signed;
}

/** Query pairs decoded, sorted by key then value, re-joined as `k=v&k=v` (not re-encoded), as Plivo signs them. */
function sortedQueryString(query: string): string {
  const byKey = new Map<string, string[]>();
  for (const [key, value] of new URLSearchParams(query)) byKey.set(key, [...(byKey.get(key) ?? []), value]);
  return [...byKey.keys()]
    .sort()
    .flatMap((key) => (byKey.get(key) ?? []).sort().map((value) => `${key}=${value}`))
    .join('&');
}

function splitUrl(url: string): { base: string; query: string } {
  const withoutFragment = url.split('#', 1)[0];
  const queryStart = withoutFragment.indexOf('?');
  return queryStart === -1
    ? { base: withoutFragment, query: '' }
    : { base: withoutFragment.slice(0, queryStart), query: withoutFragment.slice(queryStart + 1) };
}

function hmacBase64(key: string, message: string): string {
  return createHmac('sha256', key).update(message, 'utf8').digest('base64');
}

/** A header that is present but empty still counts: an empty V3 header must not open the way to V2. */
function isPresent(value: string | undefined): value is string {
  return value !== undefined;
}
