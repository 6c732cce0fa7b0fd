import { Injectable } from '@nestjs/common';
import { verifySinchSignature } from '../signatures/sinch-signature.js';
import type {
  ChannelContext,
  ChannelProvider,
  ConversationChannel,
  MessageContent,
  OutboundBatch,
  RawWebhookRequest,
  SendResult,
  SinchConversationConfig,
  WebhookEvent,
} from '../channel-provider.interface.js';
import {
  ProviderHttpClient,
  type ProviderHttpRequest,
  type ProviderHttpResponse,
} from '../http/provider-http.client.js';
import { assertBatchSize, isE164, rejected } from '../outbound-recipients.js';
import { ProviderCredentialsError, ProviderTransientError } from '../provider-errors.js';
import { parseSinchConversationWebhook } from './sinch-conversation-webhook.js';
import { SinchOAuthTokenProvider } from './sinch-oauth.token-provider.js';

type Channel = ChannelContext<'sinch-conversation'>;

/** Channels whose recipient identity is the phone number (MSISDN). */
const PHONE_CHANNELS: ReadonlySet<ConversationChannel> = new Set([
  'SMS',
  'WHATSAPP',
  'RCS',
  'MMS',
  'VIBERBM',
  'KAKAOTALK',
]);
/** Sinch's limit on `correlation_id`. */
const MAX_CORRELATION_ID = 128;

/**
 * Sinch Conversation API: one `messages:send` per recipient, authenticated with an OAuth2 token
 * that is re-fetched once when the API answers 401 (revoked or expired early).
 *
 * Wire decisions (Conversation API reference and Sinch's own examples):
 * - Recipients are `identified_by.channel_identities`, one per channel tried, each with the E.164
 *   number *with* `+` (Sinch's examples and tools send `+15551234567`).
 * - Templates on WhatsApp are WhatsApp's own templates, so they go as `channel_template.WHATSAPP`
 *   (template name in `template_id`, `language_code` required by Sinch). Elsewhere they are
 *   Conversation omni-channel templates (`omni_template`, `version` required; `latest` when unset).
 * - Media: `media_message` has no caption field, so captioned media goes as a `card_message` with
 *   the caption as its description, which Sinch transcodes to media-with-caption where it can.
 * - No per-message `callback_url`: callbacks for overridden URLs are signed with a different app
 *   secret, so the app's configured webhook (signed with `webhookSecret`) stays the one used.
 */
@Injectable()
export class SinchConversationProvider implements ChannelProvider<'sinch-conversation'> {
  readonly kind = 'sinch-conversation' as const;
  readonly maxRecipientsPerRequest = 1;

  constructor(
    private readonly http: ProviderHttpClient,
    private readonly tokens: SinchOAuthTokenProvider,
  ) {}

  async send(channel: Channel, batch: OutboundBatch): Promise<SendResult[]> {
    assertBatchSize(batch, this.maxRecipientsPerRequest, this.kind);
    const [recipient] = batch.recipients;
    if (!recipient) return [];
    const { config } = channel;
    const channels = config.channelPriorityOrder?.length ? config.channelPriorityOrder : [config.channel];
    if (channels.some((c) => PHONE_CHANNELS.has(c)) && !isE164(recipient.to)) {
      return [rejected(recipient, 'Recipient is not an E.164 phone number')];
    }
    const message = buildMessage(config, recipient.content);
    if ('problem' in message) return [rejected(recipient, message.problem)];

    const response = await this.authorized(config, (token) => ({
      method: 'POST',
      url: `${apiOrigin(config)}/v1/projects/${encodeURIComponent(config.projectId)}/messages:send`,
      headers: { authorization: `Bearer ${token}` },
      json: {
        app_id: config.appId,
        recipient: {
          identified_by: {
            channel_identities: channels.map((c) => ({ channel: c, identity: recipient.to })),
          },
        },
        message: message.wire,
        ...(config.channelPriorityOrder?.length
          ? { channel_priority_order: config.channelPriorityOrder }
          : {}),
        ...(config.smsSender ? { channel_properties: { SMS_SENDER: config.smsSender } } : {}),
        ...(batch.clientReference.length <= MAX_CORRELATION_ID
          ? { correlation_id: batch.clientReference }
          : {}),
      },
    }));

    const { status } = response;
    const body = asRecord(response.body);
    if (status >= 200 && status < 300) {
      const providerMessageId = typeof body.message_id === 'string' ? body.message_id : undefined;
      return [{ messageId: recipient.messageId, outcome: 'accepted', status: 'queued', providerMessageId }];
    }
    if (status === 401 || status === 403) {
      throw new ProviderCredentialsError(
        `Sinch Conversation refused the channel's access key or project (HTTP ${status})`,
        status,
      );
    }
    if (status >= 400 && status < 500) {
      const error = asRecord(body.error);
      const reason =
        typeof error.message === 'string'
          ? error.message
          : `Sinch Conversation rejected the message (HTTP ${status})`;
      return [rejected(recipient, reason, typeof error.status === 'string' ? error.status : undefined)];
    }
    throw new ProviderTransientError(
      `Sinch Conversation answered an unexpected HTTP ${status}`,
      undefined,
      status,
    );
  }

  verifySignature(channel: Channel, request: RawWebhookRequest): boolean {
    return verifySinchSignature(channel.config.webhookSecret, request.rawBody, request.headers);
  }

  parseWebhook(_channel: Channel, request: RawWebhookRequest): WebhookEvent[] {
    return parseSinchConversationWebhook(request);
  }

  async verifyCredentials(channel: Channel): Promise<{ ok: boolean; detail: string }> {
    const { config } = channel;
    try {
      const response = await this.authorized(config, (token) => ({
        method: 'GET',
        url: `${apiOrigin(config)}/v1/projects/${encodeURIComponent(config.projectId)}/apps/${encodeURIComponent(config.appId)}`,
        headers: { authorization: `Bearer ${token}` },
        retry: { maxAttempts: 2 },
      }));
      const body = asRecord(response.body);
      if (response.status === 200) {
        const name = typeof body.display_name === 'string' ? ` "${body.display_name}"` : '';
        return { ok: true, detail: `Sinch Conversation app${name} is reachable with this access key` };
      }
      if (response.status === 404)
        return { ok: false, detail: 'The access key works, but the app was not found in this project' };
      return {
        ok: false,
        detail: `Sinch Conversation answered HTTP ${response.status} for the project or app`,
      };
    } catch (error) {
      if (error instanceof ProviderCredentialsError) return { ok: false, detail: error.message };
      if (error instanceof ProviderTransientError)
        return { ok: false, detail: `Sinch is unreachable: ${error.message}` };
      throw error;
    }
  }

  /** Sends with a cached token; on 401, drops that token and tries exactly once more with a fresh one. */
  private async authorized(
    config: SinchConversationConfig,
    build: (token: string) => ProviderHttpRequest,
  ): Promise<ProviderHttpResponse> {
    const token = await this.tokens.getToken(config);
    const first = await this.http.request(build(token));
    if (first.status !== 401) return first;
    this.tokens.invalidate(config, token);
    return this.http.request(build(await this.tokens.getToken(config)));
  }
}

type BuiltMessage = { wire: Record<string, unknown> } | { problem: string };

function buildMessage(config: SinchConversationConfig, content: MessageContent): BuiltMessage {
  switch (content.kind) {
    case 'text':
      if (content.text === '') return { problem: 'Message text is empty' };
      return { wire: { text_message: { text: content.text } } };
    case 'media': {
      const { url, caption } = content.media;
      if (!caption) return { wire: { media_message: { url } } };
      return { wire: { card_message: { description: caption, media_message: { url } } } };
    }
    case 'template': {
      const { id, version, languageCode, parameters } = content.template;
      const params = parameters && Object.keys(parameters).length > 0 ? { parameters } : {};
      if (config.channel === 'WHATSAPP') {
        if (!languageCode) return { problem: 'A WhatsApp template needs a languageCode (e.g. en_US)' };
        const reference = {
          template_id: id,
          language_code: languageCode,
          ...(version ? { version } : {}),
          ...params,
        };
        return { wire: { template_message: { channel_template: { WHATSAPP: reference } } } };
      }
      const reference = {
        template_id: id,
        version: version ?? 'latest',
        ...(languageCode ? { language_code: languageCode } : {}),
        ...params,
      };
      return { wire: { template_message: { omni_template: reference } } };
    }
  }
}

function apiOrigin(config: SinchConversationConfig): string {
  return config.baseUrl
    ? config.baseUrl.replace(/\/+$/, '')
    : `https://${config.region}.conversation.api.sinch.com`;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
