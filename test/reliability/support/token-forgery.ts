import { createHmac } from 'node:crypto';

/** Hand-made JWTs, the way an attacker builds them: any header, any payload, any key. */

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const HMAC_OF: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

export function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

/** A JWT signed with an HMAC algorithm (HS256, HS384 or HS512) under `secret`. */
export function signJwt(payload: object, secret: string, alg: keyof typeof HMAC_OF = 'HS256'): string {
  const unsigned = `${encode({ alg, typ: 'JWT' })}.${encode(payload)}`;
  return `${unsigned}.${createHmac(HMAC_OF[alg], secret).update(unsigned).digest('base64url')}`;
}

/** `alg: none` in any spelling, with an empty signature or with the signature of a real token kept. */
export function unsignedJwt(payload: object, alg = 'none', signature = ''): string {
  return `${encode({ alg, typ: 'JWT' })}.${encode(payload)}.${signature}`;
}

/** A real token whose payload was edited while its header and signature were kept. */
export function tamperedJwt(token: string, changes: Record<string, unknown>): string {
  const [header, , signature] = token.split('.');
  return `${header}.${encode({ ...payloadOf(token), ...changes })}.${signature}`;
}
