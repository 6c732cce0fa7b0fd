import type { Exchange } from './http-client.js';

const CONTRACT_KEYS = new Set(['statusCode', 'error', 'message', 'details', 'requestId']);
/**
 * What must never reach a client: stack frames and the database driver's own words. (SQL keywords
 * are not looked for: error messages may quote the caller's input, and the fuzz sends SQL.)
 */
const INTERNALS =
  /\bat [\w.<>]+ \(|\.[cm]?js:\d+:\d+|node_modules|QueryFailedError|violates (unique|foreign key|not-null|check) constraint|syntax error at or near|invalid input syntax for type|relation "\w+" does not exist/;

/**
 * Why an error response breaks the contract (`{statusCode, error, message, details?, requestId}`,
 * the request id the same as the `x-request-id` header, no internals), or undefined when it keeps it.
 */
export function errorBodyProblem(exchange: Exchange): string | undefined {
  const body = exchange.json;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return `the body is not a JSON object: ${exchange.text.slice(0, 200)}`;
  const fields = body as Record<string, unknown>;
  const extra = Object.keys(fields).filter((key) => !CONTRACT_KEYS.has(key));
  if (extra.length > 0) return `unexpected fields ${extra.join(', ')}`;
  if (fields.statusCode !== exchange.status)
    return `statusCode ${String(fields.statusCode)} differs from the HTTP status ${exchange.status}`;
  if (typeof fields.error !== 'string' || fields.error.length === 0) return 'error is not a non-empty string';
  if (typeof fields.message !== 'string') return 'message is not a string';
  if (fields.details !== undefined && !Array.isArray(fields.details)) return 'details is not an array';
  if (typeof fields.requestId !== 'string' || fields.requestId.length === 0)
    return 'requestId is not a non-empty string';
  if (fields.requestId !== exchange.headers.get('x-request-id'))
    return 'requestId differs from the x-request-id header';
  if (INTERNALS.test(exchange.text)) return `the body shows internals: ${exchange.text.slice(0, 300)}`;
  return undefined;
}

/** A one-line account of an exchange for failure messages. */
export function describeExchange(exchange: Exchange): string {
  return `${exchange.method} ${exchange.path.slice(0, 200)} → ${exchange.status} ${exchange.text.slice(0, 300)}`;
}
