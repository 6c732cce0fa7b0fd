import { timingSafeEqual } from 'node:crypto';

/** Constant-time string comparison; only the length can leak, and signatures have a public length. */
export function safeEqual(received: string, expected: string): boolean {
  const a = Buffer.from(received, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
