import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigError, loadConfig } from './load-config.js';

const newDataDir = () => mkdtempSync(join(tmpdir(), 'switchboard-config-'));
const validKey = Buffer.alloc(32, 7).toString('base64');

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const sut = loadConfig({ DATA_DIR: newDataDir() });

    expect(sut).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      publicBaseUrl: 'http://localhost:3000',
      campaignDispatchIntervalMs: 1000,
      snoozeWakeIntervalMs: 15_000,
      campaignMaterialiseChunk: 25_000,
      campaignLeaseSeconds: 120,
      providerTimeoutMs: 10_000,
      logLevel: 'info',
      jwt: { accessTtlSeconds: 900, refreshTtlSeconds: 30 * 86400 },
      corsOrigins: undefined,
    });
  });

  it('generates development secrets once and keeps them private in DATA_DIR', () => {
    const dataDir = newDataDir();

    const first = loadConfig({ DATA_DIR: dataDir });
    const second = loadConfig({ DATA_DIR: dataDir });

    expect(second.jwt.secret).toBe(first.jwt.secret);
    expect(second.credentialsKey.equals(first.credentialsKey)).toBe(true);
    expect(first.credentialsKey).toHaveLength(32);
    expect(statSync(join(dataDir, 'dev-secrets.json')).mode & 0o777).toBe(0o600);
  });

  it('uses the given secrets and writes nothing when both are set', () => {
    const dataDir = newDataDir();

    const sut = loadConfig({ DATA_DIR: dataDir, JWT_SECRET: 's'.repeat(32), CREDENTIALS_KEY: validKey });

    expect(sut.jwt.secret).toBe('s'.repeat(32));
    expect(existsSync(join(dataDir, 'dev-secrets.json'))).toBe(false);
  });

  it.each([
    [
      { NODE_ENV: 'production', CREDENTIALS_KEY: validKey },
      'JWT_SECRET is required when NODE_ENV=production',
    ],
    [
      { NODE_ENV: 'production', JWT_SECRET: 's'.repeat(32) },
      'CREDENTIALS_KEY is required when NODE_ENV=production',
    ],
    [{ PORT: '70000' }, 'PORT'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET must be at least 32 characters'],
    [{ JWT_REFRESH_TTL: '30 days' }, 'JWT_REFRESH_TTL must be a duration'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ PUBLIC_BASE_URL: 'ftp://example.com' }, 'PUBLIC_BASE_URL must be an http(s) URL'],
    [{ CAMPAIGN_DISPATCH_INTERVAL_MS: '0' }, 'CAMPAIGN_DISPATCH_INTERVAL_MS'],
    [{ SNOOZE_WAKE_INTERVAL_MS: 'soon' }, 'SNOOZE_WAKE_INTERVAL_MS'],
    [{ CAMPAIGN_MATERIALISE_CHUNK: 'many' }, 'CAMPAIGN_MATERIALISE_CHUNK'],
    [{ ADMIN_PASSWORD: 'long enough password' }, 'ADMIN_EMAIL'],
  ])('rejects %o with one line naming the variable', (env, expected) => {
    const attempt = () => loadConfig({ DATA_DIR: newDataDir(), ...env });

    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(expected);
    try {
      attempt();
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('parses CORS origins and trims PUBLIC_BASE_URL', () => {
    const sut = loadConfig({
      DATA_DIR: newDataDir(),
      CORS_ORIGINS: 'https://a.example.com, https://b.example.com',
      PUBLIC_BASE_URL: 'https://switchboard.example.com/',
    });

    expect(sut.corsOrigins).toEqual(['https://a.example.com', 'https://b.example.com']);
    expect(sut.publicBaseUrl).toBe('https://switchboard.example.com');
  });

  it('treats empty variables as unset', () => {
    const sut = loadConfig({ DATA_DIR: newDataDir(), DATABASE_URL: '', ADMIN_EMAIL: '', ADMIN_PASSWORD: '' });

    expect(sut.databaseUrl).toBeUndefined();
    expect(sut.initialAdmin).toBeUndefined();
    expect(JSON.parse(readFileSync(join(sut.dataDir, 'dev-secrets.json'), 'utf8'))).toHaveProperty(
      'jwtSecret',
    );
  });
});
