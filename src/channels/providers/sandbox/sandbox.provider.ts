import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { computeSinchSignature, verifySinchSignature } from '../signatures/sinch-signature.js';
import type {
  ChannelContext,
  ChannelProvider,
  OutboundBatch,
  RawWebhookRequest,
  SendResult,
  WebhookEvent,
} from '../channel-provider.interface.js';
import { ProviderHttpClient } from '../http/provider-http.client.js';
import { parseSandboxWebhook, type SandboxCallback } from './sandbox-wire.js';

type Channel = ChannelContext<'sandbox'>;

const DEFAULT_DELIVERY_DELAY_MS = 500;
const SIMULATED_FAILURE = {
  error_code: 'RECIPIENT_UNREACHABLE',
  reason: 'Recipient unreachable (simulated by the sandbox)',
};

/**
 * A provider with no network: it accepts every send and, after `deliveryDelayMs`, posts a signed
 * delivery report to this server's own webhook route, so the whole path (send → webhook inbox →
 * status) runs on a fresh machine. Reports pending when the process stops are not sent.
 */
@Injectable()
export class SandboxProvider implements ChannelProvider<'sandbox'>, OnModuleDestroy {
  readonly kind = 'sandbox' as const;
  readonly maxRecipientsPerRequest = 1;
  private readonly logger = new Logger(SandboxProvider.name);
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly http: ProviderHttpClient,
  ) {}

  send(channel: Channel, batch: OutboundBatch): Promise<SendResult[]> {
    const results = batch.recipients.map((recipient): SendResult => {
      const providerMessageId = `sandbox-${randomUUID()}`;
      const fails = (channel.config.failurePrefixes ?? []).some((prefix) =>
        recipient.to.replace(/^\+/, '').startsWith(prefix.replace(/^\+/, '')),
      );
      this.later(channel, channel.config.deliveryDelayMs ?? DEFAULT_DELIVERY_DELAY_MS, {
        type: 'delivery_report',
        message_id: providerMessageId,
        recipient: recipient.to,
        status: fails ? 'FAILED' : 'DELIVERED',
        ...(fails ? SIMULATED_FAILURE : {}),
        at: new Date().toISOString(),
      });
      return { messageId: recipient.messageId, outcome: 'accepted', status: 'queued', providerMessageId };
    });
    return Promise.resolve(results);
  }

  /** Makes the sandbox deliver an inbound message from `from`, as a customer replying would. */
  simulateInbound(channel: Channel, from: string, text: string): string {
    const id = `sandbox-mo-${randomUUID()}`;
    this.later(channel, 0, {
      type: 'inbound_message',
      id,
      from,
      to: channel.sender,
      text,
      at: new Date().toISOString(),
    });
    return id;
  }

  verifySignature(channel: Channel, request: RawWebhookRequest): boolean {
    const secret = channel.config.webhookSecret;
    return Boolean(secret) && verifySinchSignature(secret!, request.rawBody, request.headers);
  }

  parseWebhook(_channel: Channel, request: RawWebhookRequest): WebhookEvent[] {
    return parseSandboxWebhook(request);
  }

  verifyCredentials(): Promise<{ ok: boolean; detail: string }> {
    return Promise.resolve({ ok: true, detail: 'The sandbox needs no credentials' });
  }

  onModuleDestroy(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private later(channel: Channel, delayMs: number, callback: SandboxCallback): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.post(channel, callback).catch((error: unknown) =>
        this.logger.warn(
          `Sandbox callback for channel ${channel.id} failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async post(channel: Channel, callback: SandboxCallback): Promise<void> {
    const body = JSON.stringify(callback);
    const nonce = randomUUID();
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = await this.http.request({
      method: 'POST',
      url: `${this.ownOrigin()}/api/v1/webhooks/sandbox/${channel.id}`,
      headers: {
        'content-type': 'application/json',
        'x-sinch-webhook-signature': computeSinchSignature(
          channel.config.webhookSecret ?? '',
          body,
          nonce,
          timestamp,
        ),
        'x-sinch-webhook-signature-nonce': nonce,
        'x-sinch-webhook-signature-timestamp': timestamp,
        'x-sinch-webhook-signature-algorithm': 'HmacSHA256',
      },
      rawBody: body,
    });
    if (response.status >= 300) throw new Error(`own webhook answered HTTP ${response.status}`);
  }

  /** Where this very process listens (not PUBLIC_BASE_URL, which may be a proxy's address). */
  private ownOrigin(): string {
    const address = (this.adapterHost.httpAdapter.getHttpServer() as Server).address();
    if (!address || typeof address === 'string') throw new Error('The HTTP server is not listening');
    const host =
      address.family === 'IPv6'
        ? address.address === '::'
          ? '[::1]'
          : `[${address.address}]`
        : address.address === '0.0.0.0'
          ? '127.0.0.1'
          : address.address;
    return `http://${host}:${address.port}`;
  }
}
