import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import type { MessageContent } from '../channels/providers/channel-provider.interface.js';
import { NotFoundError } from '../common/errors/domain-error.js';
import { decodeCursor } from '../common/pagination/cursor.js';
import { type Page, toPage } from '../common/pagination/page.js';
import { Contact } from '../contacts/contact.entity.js';
import { queryRows } from '../database/query-rows.js';
import { Conversation, type ConversationStatus } from './conversation.entity.js';
import type { ConversationDto } from './dto/conversation.dto.js';
import { InboxEvents } from './inbox-events.js';
import { CONTACT_NAME_WORDS, parseInboxSearch } from './inbox-search.js';

const PREVIEW_LENGTH = 140;

/**
 * previewOf in SQL, over a `messages.content` jsonb expression: for messages written set-based
 * (a campaign's), whose content is rendered by the database.
 */
export function previewSql(content: string): string {
  return `CASE ${content}->>'kind'
            WHEN 'text' THEN left(${content}->>'text', ${PREVIEW_LENGTH})
            WHEN 'template' THEN '[template ' || (${content}->'template'->>'id') || ']'
            ELSE left(coalesce(${content}->'media'->>'caption', '[media]'), ${PREVIEW_LENGTH})
          END`;
}

function previewOf(content: MessageContent): string {
  switch (content.kind) {
    case 'text':
      return content.text.slice(0, PREVIEW_LENGTH);
    case 'template':
      return `[template ${content.template.id}]`;
    case 'media':
      return (content.media.caption ?? '[media]').slice(0, PREVIEW_LENGTH);
  }
}

export interface ConversationFilter {
  status?: ConversationStatus;
  channelId?: string;
  search?: string;
  /** A user's id, or `null` for the unassigned ones. */
  assigneeId?: string | null;
}

@Injectable()
export class ConversationsService {
  constructor(
    @InjectRepository(Conversation) private readonly conversations: Repository<Conversation>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: InboxEvents,
  ) {}

  /** The one conversation between a contact and a channel, created on first message. */
  async findOrCreate(contactId: string, channelId: string): Promise<string> {
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      `INSERT INTO conversations (contact_id, channel_id) VALUES ($1, $2)
       ON CONFLICT (contact_id, channel_id) DO UPDATE SET contact_id = EXCLUDED.contact_id
       RETURNING id`,
      [contactId, channelId],
    );
    return rows[0].id;
  }

  /** Moves the conversation to the top of the inbox; inbound messages also count as unread. */
  async recordActivity(
    conversationId: string,
    content: MessageContent,
    at: Date,
    unread: boolean,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE conversations
          SET last_message_at = GREATEST(last_message_at, $2),
              last_message_preview = $3,
              unread_count = unread_count + $4,
              status = CASE WHEN $4 > 0 AND status IN ('closed', 'snoozed') THEN 'open' ELSE status END,
              snoozed_until = CASE WHEN $4 > 0 THEN NULL ELSE snoozed_until END,
              updated_at = now()
        WHERE id = $1`,
      [conversationId, at, previewOf(content), unread ? 1 : 0],
    );
    await this.publishUpdate(conversationId);
  }

  /** Newest activity first; the cursor is (last activity, id), served by the activity indexes. */
  async list(filter: ConversationFilter, limit: number, cursor?: string): Promise<Page<ConversationDto>> {
    const query = this.baseQuery()
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
    const rows = await query.getRawMany<ConversationRow>();
    return toPage(rows, limit, (row) => ({ at: row.c_last_message_at, id: row.c_id }), toDto);
  }

  async get(id: string): Promise<ConversationDto> {
    const row = await this.baseQuery().andWhere('c.id = :id', { id }).getRawOne<ConversationRow>();
    if (!row) throw new NotFoundError('Conversation', id);
    return toDto(row);
  }

  async getRow(id: string): Promise<Conversation> {
    const conversation = await this.conversations.findOneBy({ id });
    if (!conversation) throw new NotFoundError('Conversation', id);
    return conversation;
  }

  async markRead(id: string): Promise<void> {
    await this.getRow(id);
    await this.conversations.update({ id }, { unreadCount: 0, updatedAt: new Date() });
    await this.publishUpdate(id);
  }

  /**
   * Reopens every snoozed conversation whose time has come, with its `conversation.updated` event in
   * the same transaction. One UPDATE finds and reopens them, so with several instances each
   * conversation is woken, and announced, exactly once. Returns how many woke.
   */
  async wakeDueSnoozes(): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const woken = await queryRows<{ id: string }>(
        tx,
        `UPDATE conversations SET status = 'open', snoozed_until = NULL, updated_at = now()
          WHERE status = 'snoozed' AND snoozed_until <= now()
          RETURNING id`,
      );
      if (woken.length === 0) return 0;
      const rows = await this.baseQuery(tx)
        .andWhere('c.id IN (:...ids)', { ids: woken.map((row) => row.id) })
        .getRawMany<ConversationRow>();
      await this.events.publishMany(
        tx,
        rows.map((row) => ({ type: 'conversation.updated' as const, data: toDto(row) })),
      );
      return woken.length;
    });
  }

  /**
   * The contact wrote an opt-out request that is not a keyword ("please stop"): nothing is changed
   * on its consent, but the conversation says so until an agent (or a keyword) settles it.
   */
  async flagOptOutRequest(id: string): Promise<void> {
    await this.conversations.update({ id }, { optOutRequestedAt: new Date(), updatedAt: new Date() });
    await this.publishUpdate(id);
  }

  /** Tells the live stream about the conversation as it now is, and returns it. */
  async publishUpdate(id: string): Promise<ConversationDto> {
    const conversation = await this.get(id);
    await this.events.publish('conversation.updated', conversation);
    return conversation;
  }

  private baseQuery(tx?: EntityManager) {
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

interface ConversationRow {
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

function toDto(row: ConversationRow): ConversationDto {
  return {
    id: row.c_id,
    channelId: row.c_channel_id,
    contact: {
      id: row.ct_id,
      phone: row.ct_phone,
      name: row.ct_name,
      firstName: row.ct_first_name,
      lastName: row.ct_last_name,
      optedOut: row.ct_opted_out_at !== null,
      whatsappWindowExpiresAt: row.ct_wa_window_expires_at?.toISOString() ?? null,
    },
    status: row.c_status,
    assigneeId: row.c_assignee_id,
    snoozedUntil: row.c_snoozed_until?.toISOString() ?? null,
    lastMessageAt: row.c_last_message_at.toISOString(),
    lastMessagePreview: row.c_last_message_preview,
    unreadCount: row.c_unread_count,
    optOutRequestedAt: row.c_opt_out_requested_at?.toISOString() ?? null,
    createdAt: row.c_created_at.toISOString(),
    updatedAt: row.c_updated_at.toISOString(),
  };
}
