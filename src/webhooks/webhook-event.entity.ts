import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ProviderKind, WebhookEvent } from '../channels/providers/channel-provider.interface.js';

/** The webhook inbox: every accepted provider event, stored before the provider gets its 2xx. */
@Entity('webhook_events')
export class WebhookEventRecord {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  provider!: ProviderKind;

  @Column({ type: 'uuid' })
  channelId!: string;

  @Column({ type: 'text' })
  dedupKey!: string;

  @Column({ type: 'text' })
  type!: WebhookEvent['type'];

  @Column({ type: 'jsonb' })
  payload!: WebhookEvent;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  receivedAt!: Date;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  processedAt!: Date | null;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  nextAttemptAt!: Date;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;
}
