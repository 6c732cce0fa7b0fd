import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { MessageContent, MessageStatus } from '../channels/providers/channel-provider.interface.js';

export type MessageDirection = 'inbound' | 'outbound';

@Entity('messages')
export class Message {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  direction!: MessageDirection;

  @Column({ type: 'uuid' })
  channelId!: string;

  @Column({ type: 'uuid' })
  contactId!: string;

  @Column({ type: 'uuid' })
  conversationId!: string;

  @Column({ type: 'uuid', nullable: true })
  campaignId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  sentByUserId!: string | null;

  /** The address the message went to (outbound, E.164) or came from (inbound). */
  @Column({ type: 'text', nullable: true })
  recipient!: string | null;

  @Column({ type: 'jsonb' })
  content!: MessageContent;

  @Column({ type: 'text' })
  status!: MessageStatus;

  @Column({ type: 'text', nullable: true })
  statusReason!: string | null;

  @Column({ type: 'text', nullable: true })
  errorCode!: string | null;

  @Column({ type: 'text', nullable: true })
  providerStatus!: string | null;

  @Column({ type: 'text', nullable: true })
  providerMessageId!: string | null;

  @Column({ type: 'text', nullable: true })
  providerBatchId!: string | null;

  /** Fixed before the first attempt; the provider's idempotency/reconciliation key. */
  @Column({ type: 'text', nullable: true })
  clientReference!: string | null;

  /** A campaign message's send unit (campaign_batches.reference): its client reference at batch providers. */
  @Column({ type: 'text', nullable: true })
  batchReference!: string | null;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  nextAttemptAt!: Date | null;

  /** Set while an instance is handing the message to the provider; a past value means it crashed. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  sendingUntil!: Date | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  statusUpdatedAt!: Date;
}
