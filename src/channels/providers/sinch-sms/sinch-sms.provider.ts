import { Injectable } from '@nestjs/common';
import { verifySinchSignature } from '../signatures/sinch-signature.js';
import type {
  ChannelContext,
  ChannelProvider,
  OutboundBatch,
  OutboundRecipient,
  RawWebhookRequest,
  SendResult,
  SentBatchRecord,
  SinchSmsConfig,
  WebhookEvent,
} from '../channel-provider.interface.js';
import { ProviderHttpClient, type ProviderHttpResponse } from '../http/provider-http.client.js';
import { assertBatchSize, isE164, msisdnDigits, rejected } from '../outbound-recipients.js';
import {
  ProviderCredentialsError,
  ProviderRequestError,
  ProviderTransientError,
} from '../provider-errors.js';
import { toE164 } from '../webhook-payload.js';
import { buildSinchBatchText, SINCH_MAX_BODY_LENGTH } from './sinch-sms-batch-text.js';
import { parseSinchSmsWebhook } from './sinch-sms-webhook.js';

type Channel = ChannelContext<'sinch-sms'>;

/** A batch found by its client reference: what a crashed dispatcher needs to settle its rows. */
// Sinch answers 403 for some request problems too (SMS API error codes); those are not about the token.
const REQUEST_LEVEL_403_CODES = new Set(['unknown_group', 'unknown_campaign', 'missing_callback_url']);
const LIST_PAGE_SIZE = 100;
const MAX_LIST_PAGES = 20;

/**
 * Sinch SMS REST API (XMS): one batch request carries up to 1000 recipients, personalised texts
 * included (see sinch-sms-batch-text.ts). Recipients travel as MSISDN digits without `+`, the form
 * Sinch echoes back and keys parameters by, so `to` and `parameters` always agree.
 */
@Injectable()
export class SinchSmsProvider implements ChannelProvider<'sinch-sms'> {
  readonly kind = 'sinch-sms' as const;
  readonly maxRecipientsPerRequest = 1000;

  constructor(private readonly http: ProviderHttpClient) {}

  async send(channel: Channel, batch: OutboundBatch): Promise<SendResult[]> {
    assertBatchSize(batch, this.maxRecipientsPerRequest, this.kind);
    const results = new Map<string, SendResult>();
    const sendable: Array<{ recipient: OutboundRecipient; msisdn: string; text: string }> = [];
    const seen = new Set<string>();
    for (const recipient of batch.recipients) {
      const problem = unsendable(recipient, seen);
      if (problem) {
        results.set(recipient.messageId, rejected(recipient, problem));
        continue;
      }
      seen.add(recipient.to);
      const text = recipient.content.kind === 'text' ? recipient.content.text : '';
      sendable.push({ recipient, msisdn: msisdnDigits(recipient.to), text });
    }

    if (sendable.length > 0) {
      const { config } = channel;
      const response = await this.http.request({
        method: 'POST',
        url: this.batchesUrl(config),
        headers: authorization(config),
        json: {
          from: channel.sender,
          to: sendable.map((s) => s.msisdn),
          ...buildSinchBatchText(sendable),
          delivery_report: 'per_recipient',
          ...(channel.webhookUrls.callback ? { callback_url: channel.webhookUrls.callback } : {}),
          client_reference: batch.clientReference,
        },
        // A batch is not idempotent: after a timeout, ask Sinch whether it got this one before sending it again.
        reconcile: () => this.acceptedEarlier(channel, batch.clientReference),
      });
      for (const result of this.interpretSend(
        response,
        sendable.map((s) => s.recipient),
      )) {
        results.set(result.messageId, result);
      }
    }
    return batch.recipients.map((r) => results.get(r.messageId) as SendResult);
  }

  verifySignature(channel: Channel, request: RawWebhookRequest): boolean {
    const secret = channel.config.webhookSecret;
    if (!secret) return true;
    return verifySinchSignature(secret, request.rawBody, request.headers);
  }

  parseWebhook(_channel: Channel, request: RawWebhookRequest): WebhookEvent[] {
    return parseSinchSmsWebhook(request);
  }

  async verifyCredentials(channel: Channel): Promise<{ ok: boolean; detail: string }> {
    try {
      const response = await this.http.request({
        method: 'GET',
        url: `${this.batchesUrl(channel.config)}?page_size=1`,
        headers: authorization(channel.config),
        retry: { maxAttempts: 2 },
      });
      if (response.status === 200)
        return { ok: true, detail: 'Sinch SMS accepted the service plan id and API token' };
      if (response.status === 401 || response.status === 403) {
        return {
          ok: false,
          detail: `Sinch SMS rejected the service plan id or API token (HTTP ${response.status})`,
        };
      }
      return { ok: false, detail: `Sinch SMS answered HTTP ${response.status}${describe(response)}` };
    } catch (error) {
      if (error instanceof ProviderTransientError)
        return { ok: false, detail: `Sinch SMS is unreachable: ${error.message}` };
      throw error;
    }
  }

  /**
   * Batches sent with this client reference (Sinch's list filter `client_reference`), from
   * `since` on; Sinch's own default window is the last 24 hours.
   */
  async findSentBatches(channel: Channel, clientReference: string, since?: Date): Promise<SentBatchRecord[]> {
    const records: SentBatchRecord[] = [];
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const query = new URLSearchParams({
        client_reference: clientReference,
        page: String(page),
        page_size: String(LIST_PAGE_SIZE),
      });
      if (since) query.set('start_date', since.toISOString());
      const response = await this.http.request({
        method: 'GET',
        url: `${this.batchesUrl(channel.config)}?${query.toString()}`,
        headers: authorization(channel.config),
      });
      if (response.status !== 200) throw listingError(response);
      const body = asRecord(response.body);
      const batches = Array.isArray(body.batches) ? body.batches.map(asRecord) : [];
      for (const batch of batches) {
        if (typeof batch.id !== 'string' || batch.client_reference !== clientReference) continue;
        const created = typeof batch.created_at === 'string' ? new Date(batch.created_at) : undefined;
        records.push({
          batchId: batch.id,
          recipients: Array.isArray(batch.to)
            ? batch.to.filter((n): n is string => typeof n === 'string').map(toE164)
            : [],
          createdAt: created && !Number.isNaN(created.getTime()) ? created : undefined,
          canceled: batch.canceled === true,
        });
      }
      const count = typeof body.count === 'number' ? body.count : 0;
      if (batches.length === 0 || (page + 1) * LIST_PAGE_SIZE >= count) break;
    }
    return records;
  }

  /** The batch Sinch already holds under this client reference, as its send response would have said. */
  private async acceptedEarlier(
    channel: Channel,
    clientReference: string,
  ): Promise<ProviderHttpResponse | undefined> {
    const [found] = (await this.findSentBatches(channel, clientReference)).filter(
      (record) => !record.canceled,
    );
    return found ? { status: 201, headers: {}, body: { id: found.batchId } } : undefined;
  }

  private interpretSend(response: ProviderHttpResponse, recipients: OutboundRecipient[]): SendResult[] {
    const { status } = response;
    const body = asRecord(response.body);
    if (status >= 200 && status < 300) {
      const providerBatchId = typeof body.id === 'string' ? body.id : undefined;
      return recipients.map((r) => ({
        messageId: r.messageId,
        outcome: 'accepted',
        status: 'queued',
        providerBatchId,
      }));
    }
    const code = typeof body.code === 'string' ? body.code : undefined;
    if (status === 401 || (status === 403 && !(code && REQUEST_LEVEL_403_CODES.has(code)))) {
      throw new ProviderCredentialsError(
        `Sinch SMS rejected the service plan id or API token (HTTP ${status})`,
        status,
      );
    }
    if (status >= 400 && status < 500) {
      const reason =
        typeof body.text === 'string' ? body.text : `Sinch SMS rejected the batch (HTTP ${status})`;
      return recipients.map((r) => rejected(r, reason, code));
    }
    throw new ProviderTransientError(`Sinch SMS answered an unexpected HTTP ${status}`, undefined, status);
  }

  private batchesUrl(config: SinchSmsConfig): string {
    const origin = config.baseUrl
      ? config.baseUrl.replace(/\/+$/, '')
      : `https://${config.region}.sms.api.sinch.com`;
    return `${origin}/xms/v1/${encodeURIComponent(config.servicePlanId)}/batches`;
  }
}

function unsendable(recipient: OutboundRecipient, seen: Set<string>): string | undefined {
  const { content } = recipient;
  if (content.kind !== 'text') {
    return `Sinch SMS sends plain text only; a ${content.kind} message needs a Sinch Conversation channel`;
  }
  if (!isE164(recipient.to)) return 'Recipient is not an E.164 phone number';
  if (content.text === '') return 'Message text is empty';
  if (content.text.length > SINCH_MAX_BODY_LENGTH) {
    return `Message text is longer than Sinch's ${SINCH_MAX_BODY_LENGTH}-character limit`;
  }
  if (seen.has(recipient.to))
    return 'Recipient appears twice in one batch; send the second message separately';
  return undefined;
}

function authorization(config: SinchSmsConfig): Record<string, string> {
  return { authorization: `Bearer ${config.apiToken}` };
}

function listingError(response: ProviderHttpResponse): Error {
  if (response.status === 401 || response.status === 403) {
    return new ProviderCredentialsError(
      `Sinch SMS rejected the service plan id or API token (HTTP ${response.status})`,
      response.status,
    );
  }
  const body = asRecord(response.body);
  return new ProviderRequestError(
    `Sinch SMS batch listing failed with HTTP ${response.status}${describe(response)}`,
    response.status,
    typeof body.code === 'string' ? body.code : undefined,
  );
}

function describe(response: ProviderHttpResponse): string {
  const body = asRecord(response.body);
  return typeof body.text === 'string' ? `: ${body.text}` : '';
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
