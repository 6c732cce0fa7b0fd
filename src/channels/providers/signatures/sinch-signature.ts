import { createHmac } from 'node:crypto';
import { safeEqual } from '../../../common/crypto/safe-equal.js';

const SIGNATURE_HEADER = 'x-sinch-webhook-signature';
const NONCE_HEADER = 'x-sinch-webhook-signature-nonce';
const TIMESTAMP_HEADER = 'x-sinch-webhook-signature-timestamp';

/** Sinch's scheme has no replay protection of its own; a signed request is only good this close to now. */
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** base64(HMAC-SHA256(utf8 secret, rawBody + "." + nonce + "." + timestamp)), over the bytes received. */
export function computeSinchSignature(
  secret: string,
  rawBody: Buffer | string,
  nonce: string,
  timestamp: string,
): string {
  return createHmac('sha256', secret).update(rawBody).update(`.${nonce}.${timestamp}`).digest('base64');
}

/** True only for a correct signature whose timestamp lies within five minutes of `nowMs`. */
export function verifySinchSignature(
  secret: string,
  rawBody: Buffer,
  headers: Record<string, string | undefined>,
  nowMs: number = Date.now(),
): boolean {
  const signature = headers[SIGNATURE_HEADER];
  const nonce = headers[NONCE_HEADER];
  const timestamp = headers[TIMESTAMP_HEADER];
  if (!signature || !nonce || !timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowMs - Number(timestamp) * 1000) > MAX_CLOCK_SKEW_MS) return false;
  return safeEqual(signature, computeSinchSignature(secret, rawBody, nonce, timestamp));
}
