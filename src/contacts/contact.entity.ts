import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('contacts')
export class Contact {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** E.164; null once the contact is erased (or for a contact known only by a channel identity). */
  @Column({ type: 'text', nullable: true })
  phone!: string | null;

  @Column({ type: 'text', nullable: true })
  name!: string | null;

  @Column({ type: 'text', nullable: true })
  firstName!: string | null;

  @Column({ type: 'text', nullable: true })
  lastName!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  attributes!: Record<string, string>;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags!: string[];

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  optedOutAt!: Date | null;

  /** IANA zone given for the contact; wins over the one derived from the number. */
  @Column({ type: 'text', nullable: true })
  timeZone!: string | null;

  /** The zone the number's prefix says, kept with the number so campaigns can group by zone in SQL. */
  @Column({ type: 'text', nullable: true })
  phoneTimeZone!: string | null;

  /** End of WhatsApp's 24-hour customer-service window (last inbound WhatsApp message + 24 h). */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  waWindowExpiresAt!: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  erasedAt!: Date | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt!: Date;

  get effectiveTimeZone(): string | null {
    return this.timeZone ?? this.phoneTimeZone;
  }

  get timeZoneSource(): 'contact' | 'phone' | null {
    if (this.timeZone !== null) return 'contact';
    return this.phoneTimeZone !== null ? 'phone' : null;
  }

  get optedOut(): boolean {
    return this.optedOutAt !== null;
  }

  get inWhatsAppWindow(): boolean {
    return this.waWindowExpiresAt !== null && this.waWindowExpiresAt.getTime() > Date.now();
  }
}
