import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';

import { decodeCursor } from '../common/pagination/cursor.js';
import { Contact } from '../contacts/contact.entity.js';
import { queryRows } from '../database/query-rows.js';
import { conversationJson, outboxInsert } from '../event-webhooks/outbox.js';
import { Conversation, type ConversationStatus } from './conversation.entity.js';
import { CONTACT_NAME_WORDS, parseInboxSearch } from './inbox-search.js';

export interface ConversationFilter {
  status?: ConversationStatus;
  channelId?: string;
  search?: string;
  /** A user's id, or `null` for the unassigned ones. */
  assigneeId?: string | null;
}

/** A conversation with the contact fields the inbox shows, as the query builder names them. */
export interface ConversationRow {
  c_id: string;
  c_channel_id: string;
  c_status: ConversationStatus;
  c_assignee_id: string | null;
  c_snoozed_until: Date | null;
  c_last_message_at: Date;
  c_last_message_preview: string | null;
  c_unread_count: number;
  c_opt_out_requested_at: Date | null;
  c_created_at: Date;
  c_updated_at: Date;
  ct_id: string;
  ct_phone: string | null;
  ct_name: string | null;
  ct_first_name: string | null;
  ct_last_name: string | null;
  ct_opted_out_at: Date | null;
  ct_wa_window_expires_at: Date | null;
}

/** A team change to one conversation; only what is flagged is written. */
export interface WorkflowChange {
  id: string;
  /** Writes `status` and `snoozedUntil`. */
  changingStatus: boolean;
  status: ConversationStatus;
  snoozedUntil: Date | null;
  /** Writes `assigneeId` (null unassigns). */
  assigning: boolean;
  assigneeId: string | null;
  /** Set for an agent: the change holds only while the conversation is nobody's or this user's. */
  onlyIfAssignableBy: string | null;
}

/** The `conversations` table: one conversation per contact and channel, and the inbox's reads of it. */
@Injectable()
export class ConversationsRepository {
  constructor(
    @InjectRepository(Conversation) private readonly conversations: Repository<Conversation>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** The conversation's id, created when the contact and channel have none yet. */
  async findOrCreate(contactId: string, channelId: string): Promise<string> {
    const [row] = await this.dataSource.query<Array<{ id: string }>>(
      `INSERT INTO conversations (contact_id, channel_id) VALUES ($1, $2)
       ON CONFLICT (contact_id, channel_id) DO UPDATE SET contact_id = EXCLUDED.contact_id
       RETURNING id`,
      [contactId, channelId],
    );
    return row.id;
  }

  /** Moves the conversation to the top of the inbox; an unread (inbound) message also reopens it. */
  async recordActivity(
    tx: EntityManager,
    id: string,
    preview: string,
    at: Date,
    unread: boolean,
  ): Promise<void> {
    await tx.query(
      `UPDATE conversations
          SET last_message_at = GREATEST(last_message_at, $2),
              last_message_preview = $3,
              unread_count = unread_count + $4,
              status = CASE WHEN $4 > 0 AND status IN ('closed', 'snoozed') THEN 'open' ELSE status END,
              snoozed_until = CASE WHEN $4 > 0 THEN NULL ELSE snoozed_until END,
              updated_at = now()
        WHERE id = $1`,
      [id, at, preview, unread ? 1 : 0],
    );
  }

  findRow(id: string): Promise<Conversation | null> {
    return this.conversations.findOneBy({ id });
  }

  findView(id: string): Promise<ConversationRow | undefined> {
    return this.viewQuery().andWhere('c.id = :id', { id }).getRawOne<ConversationRow>();
  }

  findViews(ids: readonly string[], tx?: EntityManager): Promise<ConversationRow[]> {
    return this.viewQuery(tx).andWhere('c.id IN (:...ids)', { ids }).getRawMany<ConversationRow>();
  }

  /** Up to `limit` + 1 conversations, newest activity first; the cursor is (last activity, id), served by the activity indexes. */
  page(filter: ConversationFilter, limit: number, cursor?: string): Promise<ConversationRow[]> {
    const query = this.viewQuery()
      .orderBy('c.last_message_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(limit + 1);
    if (filter.status) query.andWhere('c.status = :status', { status: filter.status });
    if (filter.channelId) query.andWhere('c.channel_id = :channelId', { channelId: filter.channelId });
    if (filter.assigneeId === null) query.andWhere('c.assignee_id IS NULL');
    else if (filter.assigneeId)
      query.andWhere('c.assignee_id = :assigneeId', { assigneeId: filter.assigneeId });
    if (filter.search) {
      const { nameQuery, reversedPhonePrefix } = parseInboxSearch(filter.search);
      const conditions = [
        ...(nameQuery ? [`${CONTACT_NAME_WORDS} @@ to_tsquery('simple', :nameQuery)`] : []),
        ...(reversedPhonePrefix ? [`reverse(phone) LIKE :reversedPhonePrefix`] : []),
      ];
      if (conditions.length === 0) query.andWhere('false');
      else {
        query.andWhere(`c.contact_id IN (SELECT id FROM contacts WHERE ${conditions.join(' OR ')})`, {
          nameQuery,
          reversedPhonePrefix,
        });
      }
    }
    if (cursor) query.andWhere('(c.last_message_at, c.id) < (:at, :id)', decodeCursor(cursor));
    return query.getRawMany<ConversationRow>();
  }

  async markRead(tx: EntityManager, id: string): Promise<void> {
    await tx.getRepository(Conversation).update({ id }, { unreadCount: 0, updatedAt: new Date() });
  }

  async flagOptOutRequest(tx: EntityManager, id: string): Promise<void> {
    await tx
      .getRepository(Conversation)
      .update({ id }, { optOutRequestedAt: new Date(), updatedAt: new Date() });
  }

  /**
   * Reopens every snoozed conversation whose time has come and answers their ids. One UPDATE finds
   * and reopens them, so with several instances each conversation is woken exactly once.
   */
  async wakeDueSnoozes(tx: EntityManager): Promise<string[]> {
    const woken = await queryRows<{ id: string }>(
      tx,
      `UPDATE conversations SET status = 'open', snoozed_until = NULL, updated_at = now()
        WHERE status = 'snoozed' AND snoozed_until <= now()
        RETURNING id`,
    );
    return woken.map((row) => row.id);
  }

  /**
   * Writes what the change asks for, with a `conversation.assigned` event in the outbox when the
   * assignee really changed (same statement, so the event exists exactly when the change does).
   * An agent's change is checked again against the row's assignee under its lock, so a colleague's
   * assignment made meanwhile is never overwritten. False when that check refused it.
   */
  async applyWorkflowChange(tx: EntityManager, change: WorkflowChange): Promise<boolean> {
    const updated = await queryRows<{ id: string }>(
      tx,
      `WITH before AS (SELECT id, assignee_id FROM conversations WHERE id = $1 FOR UPDATE),
       changed AS (
         UPDATE conversations c
            SET status = CASE WHEN $8 THEN $2 ELSE c.status END,
                snoozed_until = CASE WHEN $8 THEN $3::timestamptz ELSE c.snoozed_until END,
                assignee_id = CASE WHEN $4 THEN $5::uuid ELSE c.assignee_id END,
                updated_at = now()
           FROM before b
          WHERE c.id = b.id AND (NOT $6 OR c.assignee_id IS NULL OR c.assignee_id = $7)
         RETURNING c.*, b.assignee_id AS previous_assignee_id
       ), event AS (${outboxInsert(
         'conversation.assigned',
         'changed c',
         conversationJson('c'),
         'c.assignee_id IS DISTINCT FROM c.previous_assignee_id',
       )})
       SELECT id FROM changed`,
      [
        change.id,
        change.status,
        change.snoozedUntil,
        change.assigning,
        change.assigneeId,
        change.onlyIfAssignableBy !== null,
        change.onlyIfAssignableBy,
        change.changingStatus,
      ],
    );
    return updated.length > 0;
  }

  private viewQuery(tx?: EntityManager) {
    return (tx ? tx.getRepository(Conversation) : this.conversations)
      .createQueryBuilder('c')
      .innerJoin(Contact, 'ct', 'ct.id = c.contact_id')
      .select([
        'c.id',
        'c.channelId',
        'c.status',
        'c.assigneeId',
        'c.snoozedUntil',
        'c.lastMessageAt',
        'c.lastMessagePreview',
        'c.unreadCount',
        'c.optOutRequestedAt',
        'c.createdAt',
        'c.updatedAt',
        'ct.id',
        'ct.phone',
        'ct.name',
        'ct.firstName',
        'ct.lastName',
        'ct.optedOutAt',
        'ct.waWindowExpiresAt',
      ]);
  }
}
