import { generateKeySecret, hashesMatch, hashKey, looksLikeApiKey, prefixOf } from './api-key-secret.js';

describe('API key secrets', () => {
  it('are sb_ and 32 random bytes in base64url, stored under their first characters', () => {
    const sut = generateKeySecret();
    expect(sut.key).toMatch(/^sb_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(sut.key.slice(3), 'base64url')).toHaveLength(32);
    expect(sut.prefix).toBe(sut.key.slice(0, 11));
    expect(prefixOf(sut.key)).toBe(sut.prefix);
    expect(looksLikeApiKey(sut.key)).toBe(true);
  });

  it('never repeat', () => {
    const keys = new Set(Array.from({ length: 100 }, () => generateKeySecret().key));
    expect(keys.size).toBe(100);
  });

  it('match their own hash only', () => {
    const a = generateKeySecret();
    const b = generateKeySecret();
    expect(hashesMatch(hashKey(a.key), a.hash)).toBe(true);
    expect(hashesMatch(hashKey(b.key), a.hash)).toBe(false);
    expect(hashesMatch(Buffer.alloc(3), a.hash)).toBe(false);
  });

  it('refuse to find a stored prefix for anything not shaped like a key', () => {
    expect(prefixOf('sb_short')).toBeUndefined();
    expect(prefixOf(`sb_${'a'.repeat(43)}!`)).toBeUndefined();
    expect(looksLikeApiKey('eyJhbGciOiJIUzI1NiJ9.e30.x')).toBe(false);
  });
});
