import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { MessageContent } from '../channels/providers/channel-provider.interface.js';
import { NotFoundError } from '../common/errors/domain-error.js';
import { type Page, toPage } from '../common/pagination/page.js';
import type { Conversation } from './conversation.entity.js';
import {
  type ConversationFilter,
  type ConversationRow,
  ConversationsRepository,
} from './conversations.repository.js';
import type { ConversationDto } from './dto/conversation.dto.js';
import { InboxEvents } from './inbox-events.js';

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

@Injectable()
export class ConversationsService {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly events: InboxEvents,
  ) {}

  /** The one conversation between a contact and a channel, created on first message. */
  findOrCreate(contactId: string, channelId: string): Promise<string> {
    return this.conversations.findOrCreate(contactId, channelId);
  }

  /**
   * Moves the conversation to the top of the inbox, in the transaction that stores the message;
   * inbound messages also count as unread.
   */
  async recordActivity(
    tx: EntityManager,
    conversationId: string,
    content: MessageContent,
    at: Date,
    unread: boolean,
  ): Promise<void> {
    await this.conversations.recordActivity(tx, conversationId, previewOf(content), at, unread);
    await this.publishUpdate(tx, conversationId);
  }

  /** Newest activity first. */
  async list(filter: ConversationFilter, limit: number, cursor?: string): Promise<Page<ConversationDto>> {
    const rows = await this.conversations.page(filter, limit, cursor);
    return toPage(rows, limit, (row) => ({ at: row.c_last_message_at, id: row.c_id }), toDto);
  }

  async get(id: string): Promise<ConversationDto> {
    const row = await this.conversations.findView(id);
    if (!row) throw new NotFoundError('Conversation', id);
    return toDto(row);
  }

  async getRow(id: string): Promise<Conversation> {
    const conversation = await this.conversations.findRow(id);
    if (!conversation) throw new NotFoundError('Conversation', id);
    return conversation;
  }

  async markRead(id: string): Promise<void> {
    await this.getRow(id);
    await this.events.inTransaction(async (tx) => {
      await this.conversations.markRead(tx, id);
      await this.publishUpdate(tx, id);
    });
  }

  /**
   * Reopens every snoozed conversation whose time has come, with its `conversation.updated` event in
   * the same transaction. One UPDATE finds and reopens them, so with several instances each
   * conversation is woken, and announced, exactly once. Returns how many woke.
   */
  async wakeDueSnoozes(): Promise<number> {
    return this.events.inTransaction(async (tx) => {
      const woken = await this.conversations.wakeDueSnoozes(tx);
      if (woken.length === 0) return 0;
      const rows = await this.conversations.findViews(woken, tx);
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
    await this.events.inTransaction(async (tx) => {
      await this.conversations.flagOptOutRequest(tx, id);
      await this.publishUpdate(tx, id);
    });
  }

  /** Tells the live stream, in the transaction of the change, about the conversation as it now is, and returns it. */
  async publishUpdate(tx: EntityManager, id: string): Promise<ConversationDto> {
    const [row] = await this.conversations.findViews([id], tx);
    if (!row) throw new NotFoundError('Conversation', id);
    const conversation = toDto(row);
    await this.events.publish(tx, 'conversation.updated', conversation);
    return conversation;
  }
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
