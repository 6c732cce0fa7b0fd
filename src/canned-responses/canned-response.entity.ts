import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A reply the team writes once and sends many times, with the campaign placeholders. */
@Entity('canned_responses')
export class CannedResponse {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** What an agent types after `/` in the reply box; unique regardless of case. */
  @Column({ type: 'text' })
  shortcode!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt!: Date;
}
