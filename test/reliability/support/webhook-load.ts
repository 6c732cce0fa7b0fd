import { randomInt, randomUUID } from 'node:crypto';

import { sleep } from '../../support/wait-for.js';
import {
  conversationDeliveryReport,
  conversationInboundMessage,
  formBody,
  pathOf,
  plivoV3Headers,
  signedSinchJson,
} from '../../support/webhooks.js';
import type { HttpClient } from './http-client.js';

export type WebhookKind = 'conversation-delivery' | 'conversation-inbound' | 'plivo-status' | 'plivo-inbound';

/** One webhook delivery and what the server answered (status 0: no answer at all). */
export interface WebhookAttempt {
  kind: WebhookKind;
  /** The provider's id for the event: the message a report is about, or the inbound message's own id. */
  eventId: string;
  status: number;
  startedAt: number;
  endedAt: number;
  error?: string;
}

export interface WebhookTargets {
  conversation: {
    path: string;
    appId: string;
    projectId: string;
    webhookSecret: string;
    sentMessageIds: string[];
  };
  plivo: {
    statusUrl: string;
    inboundUrl: string;
    authToken: string;
    sentMessageIds: string[];
    sender: string;
  };
}

const randomPhoneDigits = () => `1415${randomInt(2, 10)}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;

/**
 * Delivers signed delivery reports and inbound messages of a Sinch Conversation and a Plivo channel
 * in four concurrent streams, and behaves like the providers: an event answered with anything but
 * a 2xx is delivered again later, an acknowledged one never.
 */
export class WebhookLoad {
  readonly attempts: WebhookAttempt[] = [];
  private running = false;
  private streams: Array<Promise<void>> = [];

  constructor(
    private readonly client: HttpClient,
    private readonly targets: WebhookTargets,
    private readonly pauseMs = 50,
  ) {}

  start(): void {
    this.running = true;
    const conversationReports = [...this.targets.conversation.sentMessageIds];
    const plivoReports = [...this.targets.plivo.sentMessageIds];
    this.streams = [
      this.stream(
        'conversation-delivery',
        () => conversationReports.shift(),
        (id) => this.conversationDelivery(id),
        (id) => conversationReports.push(id),
      ),
      this.stream('conversation-inbound', this.freshIds('conv-in'), (id) => this.conversationInbound(id)),
      this.stream(
        'plivo-status',
        () => plivoReports.shift(),
        (id) => this.plivoStatus(id),
        (id) => plivoReports.push(id),
      ),
      this.stream('plivo-inbound', this.freshIds('plivo-in'), (id) => this.plivoInbound(id)),
    ];
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.streams);
  }

  /** Event ids acknowledged with a 2xx, by kind. */
  acknowledged(kind: WebhookKind): Set<string> {
    return new Set(
      this.attempts.filter((a) => a.kind === kind && a.status >= 200 && a.status < 300).map((a) => a.eventId),
    );
  }

  /** New event ids; the stream offers an unacknowledged one again before asking for a new one. */
  private freshIds(prefix: string): () => string {
    let next = 0;
    return () => `${prefix}-${randomUUID()}-${next++}`;
  }

  private async stream(
    kind: WebhookKind,
    nextNew: () => string | undefined,
    send: (eventId: string) => Promise<number>,
    requeue?: (eventId: string) => void,
  ): Promise<void> {
    const retries: string[] = [];
    while (this.running) {
      const eventId = retries.shift() ?? nextNew();
      if (eventId === undefined) {
        await sleep(this.pauseMs);
        continue;
      }
      const startedAt = Date.now();
      let status = 0;
      let error: string | undefined;
      try {
        status = await send(eventId);
      } catch (failure) {
        error = failure instanceof Error ? failure.message : String(failure);
      }
      this.attempts.push({
        kind,
        eventId,
        status,
        startedAt,
        endedAt: Date.now(),
        ...(error ? { error } : {}),
      });
      if (status < 200 || status >= 300) (requeue ?? ((id: string) => retries.push(id)))(eventId);
      await sleep(this.pauseMs);
    }
  }

  private async conversationDelivery(messageId: string): Promise<number> {
    const { conversation } = this.targets;
    const report = conversationDeliveryReport({
      appId: conversation.appId,
      projectId: conversation.projectId,
      messageId,
      status: 'DELIVERED',
      channel: 'SMS',
      identity: `+${randomPhoneDigits()}`,
    });
    return this.postSinch(conversation.path, conversation.webhookSecret, report);
  }

  private async conversationInbound(eventId: string): Promise<number> {
    const { conversation } = this.targets;
    const inbound = conversationInboundMessage({
      appId: conversation.appId,
      projectId: conversation.projectId,
      id: eventId,
      channel: 'SMS',
      identity: `+${randomPhoneDigits()}`,
      text: `load ${eventId}`,
    });
    return this.postSinch(conversation.path, conversation.webhookSecret, inbound);
  }

  private async plivoStatus(messageUuid: string): Promise<number> {
    const { plivo } = this.targets;
    const params = {
      MessageUUID: messageUuid,
      Status: 'delivered',
      To: randomPhoneDigits(),
      From: plivo.sender.replace(/^\+/, ''),
    };
    return this.postPlivo(plivo.statusUrl, plivo.authToken, params);
  }

  private async plivoInbound(messageUuid: string): Promise<number> {
    const { plivo } = this.targets;
    const params = {
      From: randomPhoneDigits(),
      To: plivo.sender.replace(/^\+/, ''),
      Text: `load ${messageUuid}`,
      Type: 'sms',
      MessageUUID: messageUuid,
    };
    return this.postPlivo(plivo.inboundUrl, plivo.authToken, params);
  }

  private async postSinch(path: string, secret: string, payload: unknown): Promise<number> {
    const signed = signedSinchJson(secret, payload);
    return (await this.client.post(path, { body: signed.body, headers: signed.headers, timeoutMs: 20_000 }))
      .status;
  }

  private async postPlivo(
    publicUrl: string,
    authToken: string,
    params: Record<string, string>,
  ): Promise<number> {
    const headers = plivoV3Headers(authToken, publicUrl, params);
    return (await this.client.post(pathOf(publicUrl), { body: formBody(params), headers, timeoutMs: 20_000 }))
      .status;
  }
}
