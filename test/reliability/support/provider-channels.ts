import { FakePlivoServer } from '../../fakes/fake-plivo.server.js';
import { FakeSinchConversationServer } from '../../fakes/fake-sinch-conversation.server.js';
import { FakeSinchSmsServer } from '../../fakes/fake-sinch-sms.server.js';
import type { ChannelView } from '../../support/messaging.js';
import { expectStatus, type HttpClient } from './http-client.js';
import { distinctSecret } from './leak-detection.js';

/**
 * Every channel secret of a run, each a distinct value so a leak names its source. A type, not an
 * interface, so that `Object.entries` sees string values.
 */
export type ChannelSecrets = {
  smsApiToken: string;
  smsWebhookSecret: string;
  conversationKeySecret: string;
  conversationWebhookSecret: string;
  plivoAuthToken: string;
};

export const newChannelSecrets = (): ChannelSecrets => ({
  smsApiToken: distinctSecret('SmsApiToken'),
  smsWebhookSecret: distinctSecret('SmsWebhookSecret'),
  conversationKeySecret: distinctSecret('ConvKeySecret'),
  conversationWebhookSecret: distinctSecret('ConvWebhookSecret'),
  plivoAuthToken: distinctSecret('PlivoAuthToken'),
});

/** The three providers' fake APIs, holding the run's secrets. */
export class FakeProviders {
  readonly sinchSms: FakeSinchSmsServer;
  readonly conversation: FakeSinchConversationServer;
  readonly plivo: FakePlivoServer;

  constructor(readonly secrets: ChannelSecrets) {
    this.sinchSms = new FakeSinchSmsServer({ apiToken: secrets.smsApiToken });
    this.conversation = new FakeSinchConversationServer({ keySecret: secrets.conversationKeySecret });
    this.plivo = new FakePlivoServer({ authToken: secrets.plivoAuthToken });
  }

  async start(): Promise<this> {
    await Promise.all([this.sinchSms.start(), this.conversation.start(), this.plivo.start()]);
    return this;
  }

  async stop(): Promise<void> {
    await Promise.all([this.sinchSms.stop(), this.conversation.stop(), this.plivo.stop()]);
  }
}

export type ChannelInput = {
  name: string;
  provider: string;
  sender: string;
  config: Record<string, unknown>;
};

/** One channel per provider, pointed at the fakes. `withSmsWebhookSecret: false` leaves Sinch SMS on its URL token alone. */
export function channelInputs(fakes: FakeProviders, options: { withSmsWebhookSecret?: boolean } = {}) {
  const { secrets } = fakes;
  const sinchSms: ChannelInput = {
    name: 'Reliability Sinch SMS',
    provider: 'sinch-sms',
    sender: '+12025550142',
    config: {
      servicePlanId: fakes.sinchSms.servicePlanId,
      apiToken: secrets.smsApiToken,
      region: 'us',
      baseUrl: fakes.sinchSms.url,
      ...(options.withSmsWebhookSecret === false ? {} : { webhookSecret: secrets.smsWebhookSecret }),
    },
  };
  const sinchConversation: ChannelInput = {
    name: 'Reliability Sinch Conversation',
    provider: 'sinch-conversation',
    sender: '+12025550143',
    config: {
      projectId: fakes.conversation.projectId,
      appId: fakes.conversation.appId,
      keyId: fakes.conversation.keyId,
      keySecret: secrets.conversationKeySecret,
      region: 'us',
      channel: 'SMS',
      webhookSecret: secrets.conversationWebhookSecret,
      baseUrl: fakes.conversation.url,
      authUrl: fakes.conversation.url,
    },
  };
  const plivo: ChannelInput = {
    name: 'Reliability Plivo',
    provider: 'plivo',
    sender: '+12025550144',
    config: { authId: fakes.plivo.authId, authToken: secrets.plivoAuthToken, baseUrl: fakes.plivo.url },
  };
  const sandbox: ChannelInput = {
    name: 'Reliability sandbox',
    provider: 'sandbox',
    sender: '+12025550145',
    config: { deliveryDelayMs: 50 },
  };
  return { sinchSms, sinchConversation, plivo, sandbox };
}

export async function createChannel(
  client: HttpClient,
  token: string,
  input: ChannelInput,
): Promise<ChannelView> {
  return expectStatus<ChannelView>(await client.post('/api/v1/channels', { json: input, token }), 201);
}
