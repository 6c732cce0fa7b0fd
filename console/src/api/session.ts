import { ApiError } from './errors';
import { send } from './http';
import type { Me, TokenPair } from './models';

export type SessionState =
  { kind: 'restoring' } | { kind: 'signed-out'; notice?: string } | { kind: 'signed-in'; user: Me };

/**
 * Where the refresh token lives. The access token stays in memory only, so a script injected into
 * the page cannot find a long-lived credential in storage that outlives it. The refresh token goes
 * to sessionStorage so that a reload keeps the agent signed in: it is per tab, never sent
 * automatically (unlike a cookie, so no CSRF), and gone when the tab closes. An XSS could read it,
 * but it could equally act through the running page; the server's rotation with reuse detection
 * limits a stolen copy to one use before the whole session is revoked.
 */
const REFRESH_TOKEN_KEY = 'switchboard.refreshToken';
/** Refresh when this share of the access token's lifetime has passed. */
const REFRESH_AT_FRACTION = 0.75;
/** A token this close to its expiry (at most this share of its lifetime) is refreshed before use rather than sent to be refused. */
const EXPIRY_MARGIN_MS = 10_000;
const EXPIRY_MARGIN_FRACTION = 0.2;

const SESSION_ENDED = 'Your session has ended. Sign in again.';

/** The signed-in user and their tokens; the one place that talks to /auth. */
class Session {
  private current: SessionState = { kind: 'restoring' };
  private accessToken: string | undefined;
  /** When to stop using the access token: shortly before it expires. */
  private accessTokenUsableUntil = 0;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<string | undefined> | undefined;
  private readonly listeners = new Set<() => void>();

  get state(): SessionState {
    return this.current;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** On page load: a stored refresh token signs the user back in. */
  async restore(): Promise<void> {
    if (!readRefreshToken()) return this.setState({ kind: 'signed-out' });
    try {
      const token = await this.refresh();
      if (token) await this.loadUser(token);
    } catch (error) {
      this.setState({ kind: 'signed-out', notice: error instanceof Error ? error.message : String(error) });
    }
  }

  async signIn(email: string, password: string): Promise<void> {
    const pair = await send<TokenPair>({ method: 'POST', path: '/auth/login', json: { email, password } });
    this.accept(pair);
    await this.loadUser(pair.accessToken);
  }

  async signOut(): Promise<void> {
    const refreshToken = readRefreshToken();
    const accessToken = this.accessToken;
    this.end('You have signed out.');
    if (refreshToken && accessToken) {
      await send({ method: 'POST', path: '/auth/logout', json: { refreshToken }, accessToken }).catch(
        () => undefined,
      );
    }
  }

  /** The access token, refreshed first when there is none in memory (after a reload) or it is about to expire. */
  async validAccessToken(): Promise<string | undefined> {
    if (this.accessToken && Date.now() < this.accessTokenUsableUntil) return this.accessToken;
    return this.refresh();
  }

  /**
   * Exchanges the refresh token for a new pair. One exchange at a time: refresh tokens are single
   * use, and a second concurrent exchange would present a spent token and revoke the session.
   */
  refresh(): Promise<string | undefined> {
    this.refreshing ??= this.exchangeRefreshToken().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** The server refused the tokens for good: back to the sign-in screen with a reason. */
  end(notice = SESSION_ENDED): void {
    clearTimeout(this.refreshTimer);
    this.accessToken = undefined;
    sessionStorage.removeItem(REFRESH_TOKEN_KEY);
    this.setState({ kind: 'signed-out', notice });
  }

  private async exchangeRefreshToken(): Promise<string | undefined> {
    const refreshToken = readRefreshToken();
    if (!refreshToken) {
      this.end();
      return undefined;
    }
    try {
      const pair = await send<TokenPair>({ method: 'POST', path: '/auth/refresh', json: { refreshToken } });
      this.accept(pair);
      return pair.accessToken;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 400)) {
        this.end();
        return undefined;
      }
      throw error;
    }
  }

  private accept(pair: TokenPair): void {
    this.accessToken = pair.accessToken;
    const lifetimeMs = pair.expiresIn * 1000;
    this.accessTokenUsableUntil =
      Date.now() + lifetimeMs - Math.min(EXPIRY_MARGIN_MS, lifetimeMs * EXPIRY_MARGIN_FRACTION);
    sessionStorage.setItem(REFRESH_TOKEN_KEY, pair.refreshToken);
    clearTimeout(this.refreshTimer);
    // A failed silent refresh is not fatal: the next call's 401 refreshes again.
    this.refreshTimer = setTimeout(
      () => void this.refresh().catch(() => undefined),
      pair.expiresIn * REFRESH_AT_FRACTION * 1000,
    );
  }

  private async loadUser(accessToken: string): Promise<void> {
    const user = await send<Me>({ method: 'GET', path: '/auth/me', accessToken });
    this.setState({ kind: 'signed-in', user });
  }

  private setState(state: SessionState): void {
    this.current = state;
    for (const listener of this.listeners) listener();
  }
}

function readRefreshToken(): string | null {
  return sessionStorage.getItem(REFRESH_TOKEN_KEY);
}

export const session = new Session();
