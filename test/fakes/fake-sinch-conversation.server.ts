import { randomBytes } from 'node:crypto';

import {
  basicCredentials,
  bearerToken,
  FakeProviderServer,
  type FakeResponse,
  fakeUlid,
  type RecordedRequest,
} from './fake-provider.server.js';

export interface FakeSinchConversationOptions {
  projectId?: string;
  appId?: string;
  keyId?: string;
  keySecret?: string;
  /** `expires_in` of issued tokens, in seconds. */
  tokenTtlSeconds?: number;
}

/**
 * Sinch's OAuth2 token endpoint (`POST /oauth2/token`) and the Conversation API's
 * `messages:send` and app lookup, on one origin so a test points both `authUrl` and `baseUrl` here.
 */
export class FakeSinchConversationServer extends FakeProviderServer {
  readonly projectId: string;
  readonly appId: string;
  readonly keyId: string;
  readonly keySecret: string;
  tokenTtlSeconds: number;
  /** Accepted messages: the id answered and the request body. */
  readonly accepted: Array<{ messageId: string; body: Record<string, unknown> }> = [];
  private readonly tokens = new Map<string, number>();

  constructor(options: FakeSinchConversationOptions = {}) {
    super();
    this.projectId = options.projectId ?? 'c36f3d3d-1513-2edd-ae42-11995557ff61';
    this.appId = options.appId ?? '01EB37HMH1M6SV18BSNS3G135H';
    this.keyId = options.keyId ?? 'b2d3f1e4-7c6a-4d2e-9f10-3a4b5c6d7e8f';
    this.keySecret = options.keySecret ?? 'conversation-key-secret-9z8y';
    this.tokenTtlSeconds = options.tokenTtlSeconds ?? 3600;
  }

  get tokenRequests(): RecordedRequest[] {
    return this.requestsTo('POST', /^\/oauth2\/token$/);
  }

  get sendRequests(): RecordedRequest[] {
    return this.requestsTo('POST', /\/messages:send$/);
  }

  /** Every token issued so far stops working (the API answers 401), as after a key rotation. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** Every token issued so far expires now, whatever `expires_in` promised. */
  expireTokens(): void {
    for (const token of this.tokens.keys()) this.tokens.set(token, Date.now());
  }

  protected override resetState(): void {
    this.tokens.clear();
    this.accepted.length = 0;
  }

  protected override rateLimitBody(): unknown {
    return { error: { code: 429, message: 'Too many requests', status: 'RESOURCE_EXHAUSTED', details: [] } };
  }

  protected handle(request: RecordedRequest): FakeResponse {
    if (request.path === '/oauth2/token' && request.method === 'POST') return this.issueToken(request);
    const token = bearerToken(request.headers);
    const expiresAt = token === undefined ? undefined : this.tokens.get(token);
    if (expiresAt === undefined || expiresAt <= Date.now()) {
      return apiError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
    }
    const send = /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(request.path);
    if (send && request.method === 'POST') {
      if (decodeURIComponent(send[1]) !== this.projectId)
        return apiError(403, 'PERMISSION_DENIED', 'Project not accessible');
      return this.sendMessage(request.body);
    }
    const app = /^\/v1\/projects\/([^/]+)\/apps\/([^/]+)$/.exec(request.path);
    if (app && request.method === 'GET') {
      if (decodeURIComponent(app[1]) !== this.projectId)
        return apiError(403, 'PERMISSION_DENIED', 'Project not accessible');
      if (decodeURIComponent(app[2]) !== this.appId)
        return apiError(404, 'NOT_FOUND', `App ${app[2]} not found`);
      return {
        status: 200,
        body: {
          id: this.appId,
          display_name: 'Switchboard test app',
          channel_credentials: [
            { channel: 'WHATSAPP', state: { status: 'ACTIVE' } },
            { channel: 'SMS', state: { status: 'ACTIVE' } },
          ],
          processing_mode: 'CONVERSATION',
        },
      };
    }
    return apiError(404, 'NOT_FOUND', `No route ${request.method} ${request.path}`);
  }

  private issueToken(request: RecordedRequest): FakeResponse {
    const credentials = basicCredentials(request.headers);
    if (credentials?.user !== this.keyId || credentials.password !== this.keySecret) {
      return {
        status: 401,
        body: { error: 'invalid_client', error_description: 'Client authentication failed' },
      };
    }
    const form = request.body as Record<string, string> | undefined;
    if (form?.grant_type !== 'client_credentials') {
      return {
        status: 400,
        body: { error: 'unsupported_grant_type', error_description: 'grant_type must be client_credentials' },
      };
    }
    const token = `fake.${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, Date.now() + this.tokenTtlSeconds * 1000);
    return {
      status: 200,
      body: { access_token: token, expires_in: this.tokenTtlSeconds, scope: '', token_type: 'bearer' },
    };
  }

  private sendMessage(body: unknown): FakeResponse {
    const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (input.app_id !== this.appId)
      return apiError(400, 'INVALID_ARGUMENT', `Unknown app_id ${String(input.app_id)}`);
    const identities = (input.recipient as { identified_by?: { channel_identities?: unknown[] } } | undefined)
      ?.identified_by?.channel_identities;
    if (!Array.isArray(identities) || identities.length === 0) {
      return apiError(
        400,
        'INVALID_ARGUMENT',
        'recipient.identified_by.channel_identities must not be empty',
      );
    }
    const message = input.message as Record<string, unknown> | undefined;
    if (!message || Object.keys(message).length !== 1) {
      return apiError(400, 'INVALID_ARGUMENT', 'message must hold exactly one message type');
    }
    if (typeof input.correlation_id === 'string' && input.correlation_id.length > 128) {
      return apiError(400, 'INVALID_ARGUMENT', 'correlation_id is longer than 128 characters');
    }
    const messageId = fakeUlid();
    this.accepted.push({ messageId, body: input });
    return { status: 200, body: { accepted_time: new Date().toISOString(), message_id: messageId } };
  }
}

function apiError(code: number, status: string, message: string): FakeResponse {
  return { status: code, body: { error: { code, message, status, details: [] } } };
}
