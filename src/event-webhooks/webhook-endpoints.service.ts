import { Injectable, Logger } from '@nestjs/common';

import { SecretBox } from '../common/crypto/secret-box.js';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors/domain-error.js';
import { decodeCursor } from '../common/pagination/cursor.js';
import { type Page, toPage } from '../common/pagination/page.js';
import { AppConfig } from '../config/app-config.js';
import { resolutionProblem, urlShapeProblem } from './endpoint-address.js';
import type { EventFilter } from './outbox.js';
import { type AttemptRow, WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import {
  type EndpointChanges,
  type EndpointRow,
  WebhookEndpointsRepository,
} from './webhook-endpoints.repository.js';
import { generateEndpointSecret } from './webhook-signature.js';

export interface NewEndpoint {
  url: string;
  events: EventFilter[];
  description?: string;
}

@Injectable()
export class WebhookEndpointsService {
  private readonly logger = new Logger(WebhookEndpointsService.name);

  constructor(
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly secrets: SecretBox,
    private readonly config: AppConfig,
  ) {}

  /** The new endpoint and its secret, which is never shown again. */
  async create(input: NewEndpoint): Promise<{ row: EndpointRow; secret: string }> {
    await this.checkUrl(input.url);
    const secret = generateEndpointSecret();
    const row = await this.endpoints.insert({
      url: input.url,
      description: input.description ?? null,
      events: dedupe(input.events),
      secretSealed: this.secrets.seal(secret),
    });
    this.logger.log({ endpointId: row.id, events: row.events }, 'Event webhook endpoint created');
    return { row, secret };
  }

  async list(limit: number, cursor?: string): Promise<Page<EndpointRow>> {
    const rows = await this.endpoints.list(limit, cursor ? decodeCursor(cursor) : undefined);
    return toPage(
      rows,
      limit,
      (row) => ({ at: row.created_at, id: row.id }),
      (row) => row,
    );
  }

  async get(id: string): Promise<EndpointRow> {
    const row = await this.endpoints.find(id);
    if (!row) throw new NotFoundError('Webhook endpoint', id);
    return row;
  }

  async update(id: string, changes: EndpointChanges): Promise<EndpointRow> {
    if (changes.url !== undefined) await this.checkUrl(changes.url);
    const row = await this.endpoints.update(id, {
      ...changes,
      events: changes.events ? dedupe(changes.events) : undefined,
    });
    if (!row) throw new NotFoundError('Webhook endpoint', id);
    return row;
  }

  async delete(id: string): Promise<void> {
    if (!(await this.endpoints.delete(id))) throw new NotFoundError('Webhook endpoint', id);
  }

  async deliveriesOf(id: string, limit: number, cursor?: string): Promise<Page<AttemptRow>> {
    await this.get(id);
    const rows = await this.deliveries.listAttempts(id, limit, cursor ? decodeCursor(cursor) : undefined);
    return toPage(
      rows,
      limit,
      (row) => ({ at: row.at, id: row.id }),
      (row) => row,
    );
  }

  /** Makes a delivery that failed (or waits for a retry) due at once. */
  async retry(id: string, deliveryId: string): Promise<void> {
    await this.get(id);
    const previous = await this.deliveries.retryNow(id, deliveryId);
    if (previous === undefined) throw new NotFoundError('Delivery', deliveryId);
    if (previous === 'succeeded')
      throw new ConflictError('This delivery succeeded; there is nothing to retry');
  }

  private async checkUrl(url: string): Promise<void> {
    const { allowPrivate } = this.config.eventWebhooks;
    const problem =
      urlShapeProblem(url, allowPrivate) ?? (allowPrivate ? undefined : await resolutionProblem(url));
    if (problem) throw ValidationError.forField('url', problem);
  }
}

function dedupe(events: EventFilter[]): EventFilter[] {
  return [...new Set(events)];
}
