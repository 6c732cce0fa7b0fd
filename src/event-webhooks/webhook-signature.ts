import { createHmac, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/** `whsec_` + base64 of 32 random bytes, as the Standard Webhooks specification describes. */
export function generateEndpointSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/**
 * The Standard Webhooks signature header value: `v1,` + base64 HMAC-SHA256 of
 * `{id}.{timestamp}.{body}` keyed with the base64-decoded part of the `whsec_` secret.
 */
export function signatureOf(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** What the list shows in place of a secret. */
export function maskedSecret(secret: string): string {
  return `${SECRET_PREFIX}••••${secret.slice(-4)}`;
}
