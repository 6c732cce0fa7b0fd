import { createHmac } from 'node:crypto';

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT signed with HS256 under `secret`, built by hand so tests can forge tokens. */
export function signHs256(payload: object, secret: string): string {
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** An unsigned JWT (`alg: none`), the classic forgery. */
export function unsignedToken(payload: object): string {
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);
