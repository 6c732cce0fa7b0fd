import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const MATCH_MODES = ['exact', 'startsWith', 'contains'] as const;
export type MatchMode = (typeof MATCH_MODES)[number];
export const REPLY_ACTIONS = ['none', 'opt_out', 'opt_in'] as const;
export type ReplyAction = (typeof REPLY_ACTIONS)[number];
export type BuiltinKind = 'opt_out' | 'opt_in' | 'help';

@Entity('auto_replies')
export class AutoReply {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Set on the three built-in rules (consent keywords and help): always on, only their text changes. */
  @Column({ type: 'text', nullable: true })
  builtin!: BuiltinKind | null;

  @Column({ type: 'text', array: true })
  keywords!: string[];

  @Column({ type: 'text' })
  match!: MatchMode;

  @Column({ type: 'text' })
  reply!: string;

  /** Null: every channel. */
  @Column({ type: 'uuid', nullable: true })
  channelId!: string | null;

  @Column({ type: 'text' })
  action!: ReplyAction;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt!: Date;
}
