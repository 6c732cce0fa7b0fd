import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { SinchConversationConfig } from '../channel-provider.interface.js';
import { ProviderHttpClient } from '../http/provider-http.client.js';
import { ProviderCredentialsError, ProviderRequestError } from '../provider-errors.js';

export type SinchOAuthCredentials = Pick<SinchConversationConfig, 'keyId' | 'keySecret' | 'authUrl'>;

interface CachedToken {
  token: string;
  /** Epoch ms after which the token is no longer handed out. */
  refreshAt: number;
}

const DEFAULT_AUTH_ORIGIN = 'https://auth.sinch.com';
/** Stop using a token this long before Sinch says it expires, so no request carries a dying token. */
const EXPIRY_MARGIN_MS = 60_000;
const DEFAULT_EXPIRES_IN_SECONDS = 3600;

/**
 * OAuth2 client-credentials access tokens for Sinch (`POST {auth}/oauth2/token`), cached per
 * access key until a minute before they expire. Concurrent callers needing a new token share one
 * request. The cache key includes a hash of the secret, so a channel with a wrong secret never
 * borrows a token another channel earned with the right one.
 */
@Injectable()
export class SinchOAuthTokenProvider {
  private readonly cache = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<CachedToken>>();

  constructor(private readonly http: ProviderHttpClient) {}

  async getToken(credentials: SinchOAuthCredentials): Promise<string> {
    const key = cacheKey(credentials);
    const cached = this.cache.get(key);
    if (cached && cached.refreshAt > Date.now()) return cached.token;

    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.fetchToken(credentials, key).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return (await pending).token;
  }

  /**
   * Drops `token` after the API refused it. A token someone else already refreshed is kept, so a
   * burst of 401s on one stale token causes one refresh, not one per request.
   */
  invalidate(credentials: SinchOAuthCredentials, token: string): void {
    const key = cacheKey(credentials);
    if (this.cache.get(key)?.token === token) this.cache.delete(key);
  }

  private async fetchToken(credentials: SinchOAuthCredentials, key: string): Promise<CachedToken> {
    const origin = (credentials.authUrl ?? DEFAULT_AUTH_ORIGIN).replace(/\/+$/, '');
    const basic = Buffer.from(`${credentials.keyId}:${credentials.keySecret}`).toString('base64');
    const response = await this.http.request({
      method: 'POST',
      url: `${origin}/oauth2/token`,
      headers: { authorization: `Basic ${basic}` },
      form: { grant_type: 'client_credentials' },
    });
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      throw new ProviderCredentialsError(
        `Sinch rejected the access key id or secret (HTTP ${response.status})`,
        response.status,
      );
    }
    const body = (typeof response.body === 'object' && response.body !== null ? response.body : {}) as Record<
      string,
      unknown
    >;
    if (response.status !== 200 || typeof body.access_token !== 'string' || body.access_token === '') {
      throw new ProviderRequestError(
        `Sinch's token endpoint answered HTTP ${response.status} without an access token`,
        response.status,
      );
    }
    const expiresInMs =
      (typeof body.expires_in === 'number' && body.expires_in > 0
        ? body.expires_in
        : DEFAULT_EXPIRES_IN_SECONDS) * 1000;
    const fresh: CachedToken = {
      token: body.access_token,
      refreshAt: Date.now() + expiresInMs - EXPIRY_MARGIN_MS,
    };
    this.cache.set(key, fresh);
    return fresh;
  }
}

function cacheKey(credentials: SinchOAuthCredentials): string {
  const secretHash = createHash('sha256').update(credentials.keySecret).digest('base64url');
  return `${credentials.authUrl ?? DEFAULT_AUTH_ORIGIN}|${credentials.keyId}|${secretHash}`;
}
