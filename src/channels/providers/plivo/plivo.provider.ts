import { Injectable } from '@nestjs/common';
import { verifyPlivoSignature } from '../signatures/plivo-signature.js';
import type {
  ChannelContext,
  ChannelProvider,
  MessageContent,
  OutboundBatch,
  PlivoConfig,
  RawWebhookRequest,
  SendResult,
  WebhookEvent,
} from '../channel-provider.interface.js';
import { ProviderHttpClient, type ProviderHttpResponse } from '../http/provider-http.client.js';
import { assertBatchSize, isE164, msisdnDigits, rejected } from '../outbound-recipients.js';
import { ProviderCredentialsError, ProviderTransientError } from '../provider-errors.js';
import { parsePlivoWebhook } from './plivo-webhook.js';

type Channel = ChannelContext<'plivo'>;

const DEFAULT_ORIGIN = 'https://api.plivo.com';

/**
 * Plivo Message API: one request per recipient. Numbers go without `+` (Plivo's documented form:
 * "must begin with the international country code, e.g. 14152828726"; it strips `+` anyway), while
 * an alphanumeric sender id is passed unchanged. Media goes as MMS; templates as WhatsApp templates
 * in the shape the official SDK validates (`{name, language, components}`).
 */
@Injectable()
export class PlivoProvider implements ChannelProvider<'plivo'> {
  readonly kind = 'plivo' as const;
  readonly maxRecipientsPerRequest = 1;

  constructor(private readonly http: ProviderHttpClient) {}

  async send(channel: Channel, batch: OutboundBatch): Promise<SendResult[]> {
    assertBatchSize(batch, this.maxRecipientsPerRequest, this.kind);
    const [recipient] = batch.recipients;
    if (!recipient) return [];
    if (!isE164(recipient.to)) return [rejected(recipient, 'Recipient is not an E.164 phone number')];
    const content = contentFields(recipient.content);
    if ('problem' in content) return [rejected(recipient, content.problem)];

    const status = channel.webhookUrls.status;
    const response = await this.http.request({
      method: 'POST',
      url: `${accountUrl(channel.config)}Message/`,
      headers: authorization(channel.config),
      json: {
        src: plivoAddress(channel.sender),
        dst: msisdnDigits(recipient.to),
        ...content.fields,
        ...(status ? { url: status, method: 'POST' } : {}),
      },
    });

    const body = asRecord(response.body);
    if (response.status >= 200 && response.status < 300) {
      const uuids = Array.isArray(body.message_uuid) ? body.message_uuid : [];
      const providerMessageId = typeof uuids[0] === 'string' ? uuids[0] : undefined;
      return [{ messageId: recipient.messageId, outcome: 'accepted', status: 'queued', providerMessageId }];
    }
    if (response.status === 401) {
      throw new ProviderCredentialsError('Plivo rejected the auth id or auth token (HTTP 401)', 401);
    }
    if (response.status >= 400 && response.status < 500) {
      return [rejected(recipient, errorText(response))];
    }
    throw new ProviderTransientError(
      `Plivo answered an unexpected HTTP ${response.status}`,
      undefined,
      response.status,
    );
  }

  verifySignature(channel: Channel, request: RawWebhookRequest): boolean {
    return verifyPlivoSignature(
      channel.config.authToken,
      request.publicUrl,
      formFields(request.body),
      request.headers,
    );
  }

  parseWebhook(_channel: Channel, request: RawWebhookRequest): WebhookEvent[] {
    return parsePlivoWebhook(request);
  }

  async verifyCredentials(channel: Channel): Promise<{ ok: boolean; detail: string }> {
    try {
      const response = await this.http.request({
        method: 'GET',
        url: accountUrl(channel.config),
        headers: authorization(channel.config),
        retry: { maxAttempts: 2 },
      });
      if (response.status === 200) {
        const name = asRecord(response.body).name;
        return {
          ok: true,
          detail: `Plivo account${typeof name === 'string' ? ` "${name}"` : ''} accepted the auth id and token`,
        };
      }
      if (response.status === 401)
        return { ok: false, detail: 'Plivo rejected the auth id or auth token (HTTP 401)' };
      return { ok: false, detail: `Plivo answered HTTP ${response.status}: ${errorText(response)}` };
    } catch (error) {
      if (error instanceof ProviderTransientError)
        return { ok: false, detail: `Plivo is unreachable: ${error.message}` };
      throw error;
    }
  }
}

type ContentFields = { fields: Record<string, unknown> } | { problem: string };

function contentFields(content: MessageContent): ContentFields {
  switch (content.kind) {
    case 'text':
      if (content.text === '') return { problem: 'Message text is empty' };
      return { fields: { text: content.text } };
    case 'media': {
      const { url, caption } = content.media;
      return { fields: { type: 'mms', media_urls: [url], ...(caption ? { text: caption } : {}) } };
    }
    case 'template': {
      const { id, languageCode, parameters } = content.template;
      if (!languageCode) return { problem: 'A WhatsApp template needs a languageCode (e.g. en_US)' };
      const components = bodyComponents(parameters);
      return {
        fields: {
          type: 'whatsapp',
          template: { name: id, language: languageCode, ...(components ? { components } : {}) },
        },
      };
    }
  }
}

/**
 * Template parameters as one WhatsApp `body` component: keys `1`, `2`, … are positional and sent in
 * order; any other keys are WhatsApp named parameters (`parameter_name`).
 */
function bodyComponents(parameters: Record<string, string> | undefined): unknown[] | undefined {
  const entries = Object.entries(parameters ?? {});
  if (entries.length === 0) return undefined;
  const positional = entries.every(([key]) => /^\d+$/.test(key));
  const values = positional
    ? entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, text]) => ({ type: 'text', text }))
    : entries.map(([name, text]) => ({ type: 'text', parameter_name: name, text }));
  return [{ type: 'body', parameters: values }];
}

/** Phone numbers lose their `+`; short codes and alphanumeric sender ids pass unchanged. */
function plivoAddress(sender: string): string {
  return /^\+\d+$/.test(sender) ? sender.slice(1) : sender;
}

function accountUrl(config: PlivoConfig): string {
  const origin = (config.baseUrl ?? DEFAULT_ORIGIN).replace(/\/+$/, '');
  return `${origin}/v1/Account/${encodeURIComponent(config.authId)}/`;
}

function authorization(config: PlivoConfig): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${config.authId}:${config.authToken}`).toString('base64')}` };
}

/** Plivo's `error` is usually a sentence, sometimes an object of field errors. */
function errorText(response: ProviderHttpResponse): string {
  const error = asRecord(response.body).error ?? response.body;
  if (typeof error === 'string' && error !== '') return error;
  if (error !== undefined && typeof error === 'object') return JSON.stringify(error);
  return `Plivo rejected the message (HTTP ${response.status})`;
}

function formFields(body: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(asRecord(body))) {
    if (typeof value === 'string') fields[key] = value;
  }
  return fields;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
