import { randomBytes } from 'node:crypto';

import type { AppConfig } from '../../config/app-config.js';
import { SecretBox } from './secret-box.js';

const boxWithKey = (key: Buffer) => new SecretBox({ credentialsKey: key } as AppConfig);

describe('SecretBox', () => {
  const key = randomBytes(32);
  const sut = boxWithKey(key);

  it('round-trips a secret and never shows it in the sealed form', () => {
    const sealed = sut.sealJson({ apiToken: 'sinch-token-1a2b' });

    expect(sealed).not.toContain('sinch-token');
    expect(sut.openJson(sealed)).toEqual({ apiToken: 'sinch-token-1a2b' });
  });

  it('uses a fresh IV each time', () => {
    expect(sut.seal('same')).not.toBe(sut.seal('same'));
  });

  it('refuses a tampered ciphertext', () => {
    const [version, iv, tag, ciphertext] = sut.seal('secret value').split('.');
    const flipped = Buffer.from(ciphertext, 'base64url');
    flipped[0] ^= 1;

    expect(() => sut.open([version, iv, tag, flipped.toString('base64url')].join('.'))).toThrow();
  });

  it('cannot be opened under another key', () => {
    expect(() => boxWithKey(randomBytes(32)).open(sut.seal('secret value'))).toThrow();
  });
});
