import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

import type { ProviderKind } from './providers/channel-provider.interface.js';

/** One configured sender on one provider. Secret config fields live only in `encryptedSecrets`. */
@Entity('channels')
export class Channel {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  provider!: ProviderKind;

  @Column({ type: 'text' })
  sender!: string;

  /** The non-secret config fields. */
  @Column({ type: 'jsonb' })
  config!: Record<string, unknown>;

  /** AES-256-GCM sealed JSON of the secret config fields (see SecretBox). */
  @Column({ type: 'text' })
  encryptedSecrets!: string;

  /** The unguessable path segment of this channel's Sinch SMS webhook URL. */
  @Column({ type: 'text' })
  webhookToken!: string;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  disabledAt!: Date | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt!: Date;
}
