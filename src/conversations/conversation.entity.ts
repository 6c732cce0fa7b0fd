import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const CONVERSATION_STATUSES = ['open', 'snoozed', 'closed', 'archived'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/** The thread between one contact and one channel. */
@Entity('conversations')
export class Conversation {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  contactId!: string;

  @Column({ type: 'uuid' })
  channelId!: string;

  @Column({ type: 'text' })
  status!: ConversationStatus;

  /** The user who owns the conversation; null when unassigned. */
  @Column({ type: 'uuid', nullable: true })
  assigneeId!: string | null;

  /** When a snoozed conversation reopens by itself; set exactly when the status is `snoozed`. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  snoozedUntil!: Date | null;

  @Column({ type: 'timestamptz', precision: 3 })
  lastMessageAt!: Date;

  @Column({ type: 'text', nullable: true })
  lastMessagePreview!: string | null;

  @Column({ type: 'int' })
  unreadCount!: number;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt!: Date;

  /** When the contact last wrote an opt-out request in words of its own; cleared when consent changes. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  optOutRequestedAt!: Date | null;
}
