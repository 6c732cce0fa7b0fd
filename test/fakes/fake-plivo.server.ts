import {
  basicCredentials,
  FakeProviderServer,
  type FakeResponse,
  fakeTimeUuid,
  type RecordedRequest,
} from './fake-provider.server.js';

export interface FakePlivoOptions {
  authId?: string;
  authToken?: string;
}

const MESSAGE_TYPES = ['sms', 'mms', 'whatsapp'];

/** Plivo's Message API (`/v1/Account/{auth_id}/Message/`) and account lookup. */
export class FakePlivoServer extends FakeProviderServer {
  readonly authId: string;
  readonly authToken: string;

  constructor(options: FakePlivoOptions = {}) {
    super();
    this.authId = options.authId ?? 'MAXXXXXXXXXXXXXXXXXX';
    this.authToken = options.authToken ?? 'plivo-auth-token-5e6f7a8b';
  }

  get messageRequests(): RecordedRequest[] {
    return this.requestsTo('POST', /\/Message\/$/);
  }

  protected override rateLimitBody(): unknown {
    return { api_id: fakeTimeUuid(), error: 'too many requests' };
  }

  protected handle(request: RecordedRequest): FakeResponse {
    const match = /^\/v1\/Account\/([^/]+)\/(.*)$/.exec(request.path);
    const credentials = basicCredentials(request.headers);
    if (!match) return { status: 404, body: { api_id: fakeTimeUuid(), error: 'not found' } };
    if (
      credentials?.user !== this.authId ||
      credentials.password !== this.authToken ||
      match[1] !== this.authId
    ) {
      // Plivo answers an authentication failure in plain text.
      return {
        status: 401,
        body: 'Could not verify your access level for that URL.\nYou have to login with proper credentials',
      };
    }
    const rest = match[2];
    if (rest === 'Message/' && request.method === 'POST') return this.sendMessage(request.body);
    if (rest === '' && request.method === 'GET') return this.account();
    return { status: 404, body: { api_id: fakeTimeUuid(), error: 'not found' } };
  }

  private sendMessage(body: unknown): FakeResponse {
    const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const fail = (error: string): FakeResponse => ({ status: 400, body: { api_id: fakeTimeUuid(), error } });
    if (Boolean(input.src) === Boolean(input.powerpack_uuid))
      return fail('Either of src or powerpack_uuid is required');
    if (typeof input.dst !== 'string' || input.dst === '') return fail('dst is required');
    const type = (input.type as string | undefined) ?? 'sms';
    if (!MESSAGE_TYPES.includes(type)) return fail(`invalid type ${type}`);
    if (type === 'sms' && (typeof input.text !== 'string' || input.text === ''))
      return fail('text is required');
    if (type === 'mms' && (!Array.isArray(input.media_urls) || input.media_urls.length === 0))
      return fail('media_urls is required for mms');
    if (type === 'whatsapp' && input.template === undefined && typeof input.text !== 'string')
      return fail('template or text is required');
    const destinations = input.dst.split('<');
    if (!destinations.every((d) => /^\+?[1-9]\d{1,14}$/.test(d))) return fail('invalid dst');
    if (input.src === destinations[0]) return fail('src and dst cannot be same');
    return {
      status: 202,
      body: {
        api_id: fakeTimeUuid(),
        message: 'message(s) queued',
        message_uuid: destinations.map(() => fakeTimeUuid()),
      },
    };
  }

  private account(): FakeResponse {
    return {
      status: 200,
      body: {
        account_type: 'standard',
        address: '',
        api_id: fakeTimeUuid(),
        auth_id: this.authId,
        auto_recharge: false,
        billing_mode: 'prepaid',
        cash_credits: '12.34000',
        city: '',
        name: 'Switchboard Test',
        resource_uri: `/v1/Account/${this.authId}/`,
        state: '',
        timezone: 'Etc/UTC',
      },
    };
  }
}
