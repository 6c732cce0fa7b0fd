import type { FakeSinchSmsServer } from '../../fakes/fake-sinch-sms.server.js';
import type { CampaignView } from '../../support/campaigns.js';
import { waitFor } from '../../support/wait-for.js';

/** The public view of a campaign, as the e2e support reads it too. */
export type { CampaignView } from '../../support/campaigns.js';

const FINAL_CAMPAIGN_STATES = ['completed', 'failed', 'cancelled'];

/**
 * The public HTTP API of one running instance, as a client program would use it. The token is
 * valid on every instance of the deployment, so `on(otherUrl)` talks to another one as the same user.
 */
export class SwitchboardApi {
  private constructor(
    readonly baseUrl: string,
    private readonly accessToken: string,
  ) {}

  static async login(
    baseUrl: string,
    credentials: { email: string; password: string },
  ): Promise<SwitchboardApi> {
    const { accessToken } = await call<{ accessToken: string }>(
      baseUrl,
      undefined,
      'POST',
      '/api/v1/auth/login',
      credentials,
    );
    return new SwitchboardApi(baseUrl, accessToken);
  }

  on(baseUrl: string): SwitchboardApi {
    return new SwitchboardApi(baseUrl, this.accessToken);
  }

  async createSinchSmsChannel(
    fake: FakeSinchSmsServer,
    config: Record<string, unknown> = {},
  ): Promise<string> {
    const channel = await this.request<{ id: string }>('POST', '/api/v1/channels', {
      name: `Reliability Sinch SMS ${Date.now()}`,
      provider: 'sinch-sms',
      sender: '+12025550142',
      config: {
        servicePlanId: fake.servicePlanId,
        apiToken: fake.apiToken,
        region: 'us',
        baseUrl: fake.url,
        ...config,
      },
    });
    return channel.id;
  }

  async createSandboxChannel(): Promise<string> {
    const channel = await this.request<{ id: string }>('POST', '/api/v1/channels', {
      name: `Reliability sandbox ${Date.now()}`,
      provider: 'sandbox',
      sender: '+12025550145',
      config: {},
    });
    return channel.id;
  }

  /** The sandbox channel receives `text` from `from`, as if a customer had sent it. */
  simulateInbound(channelId: string, from: string, text: string): Promise<unknown> {
    return this.request('POST', `/api/v1/channels/${channelId}/simulate-inbound`, { from, text });
  }

  /** POST /messages: one text to one number. */
  send(channelId: string, to: string, text: string): Promise<{ id: string; status: string }> {
    return this.request('POST', '/api/v1/messages', { channelId, to, text });
  }

  /** The bearer header, for clients that make their own requests (the SSE stream). */
  get authorization(): Record<string, string> {
    return { authorization: `Bearer ${this.accessToken}` };
  }

  createCampaign(body: {
    name: string;
    channelId: string;
    text: string;
    tag: string;
    ratePerSecond?: number;
  }): Promise<CampaignView> {
    return this.request<CampaignView>('POST', '/api/v1/campaigns', {
      name: body.name,
      channelId: body.channelId,
      message: { text: body.text },
      audience: { tags: [body.tag] },
      ...(body.ratePerSecond ? { ratePerSecond: body.ratePerSecond } : {}),
    });
  }

  schedule(id: string): Promise<CampaignView> {
    return this.request<CampaignView>('POST', `/api/v1/campaigns/${id}/schedule`, {});
  }

  campaign(id: string): Promise<CampaignView> {
    return this.request<CampaignView>('GET', `/api/v1/campaigns/${id}`);
  }

  /** Polls until the campaign reaches a final state (or `until` accepts it earlier). */
  waitForCampaign(
    id: string,
    timeoutMs: number,
    until: (c: CampaignView) => boolean = (c) => FINAL_CAMPAIGN_STATES.includes(c.status),
  ): Promise<CampaignView> {
    return waitFor(() => this.campaign(id), until, {
      description: `campaign ${id}`,
      timeoutMs,
      intervalMs: 200,
    });
  }

  /** GET /metrics (public): Prometheus text. */
  async metrics(): Promise<string> {
    const response = await fetch(`${this.baseUrl}/metrics`);
    if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
    return response.text();
  }

  private request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return call<T>(this.baseUrl, this.accessToken, method, path, body);
  }
}

async function call<T>(
  baseUrl: string,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/** The stats' counters other than `total` add up to it (the contract's promise). */
export { addsUp as statsAddUp } from '../../support/campaigns.js';
