import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { TemplateContent } from '../channels/providers/channel-provider.interface.js';
import type { CampaignStatus } from './campaign-state.js';
import type { FrequencyCap, SendWindow } from './send-window.js';

export type CampaignMessage =
  { kind: 'text'; text: string } | { kind: 'template'; template: TemplateContent };

export type CampaignAudience = { contactIds: string[] } | { tags: string[] } | { all: true };

@Entity('campaigns')
export class Campaign {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'uuid' })
  channelId!: string;

  @Column({ type: 'jsonb' })
  message!: CampaignMessage;

  @Column({ type: 'jsonb' })
  audience!: CampaignAudience;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  scheduledAt!: Date | null;

  @Column({ type: 'int', nullable: true })
  ratePerSecond!: number | null;

  @Column({ type: 'jsonb', nullable: true })
  sendWindow!: SendWindow | null;

  @Column({ type: 'jsonb', nullable: true })
  frequencyCap!: FrequencyCap | null;

  @Column({ type: 'text' })
  status!: CampaignStatus;

  @Column({ type: 'text', nullable: true })
  failureReason!: string | null;

  /** Unique audience contacts, skipped ones included; set when the audience is materialised. */
  @Column({ type: 'int', default: 0 })
  total!: number;

  @Column({ type: 'int', default: 0 })
  skippedOptedOut!: number;

  @Column({ type: 'int', default: 0 })
  skippedInvalid!: number;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  materializedAt!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  materializedThrough!: string | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  startedAt!: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  completedAt!: Date | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt!: Date;
}
