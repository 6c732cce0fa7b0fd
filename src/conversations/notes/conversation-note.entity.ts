import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An internal note in a conversation: for the team only, never sent to the contact. */
@Entity('conversation_notes')
export class ConversationNote {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  conversationId!: string;

  @Column({ type: 'uuid' })
  authorId!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt!: Date;
}
