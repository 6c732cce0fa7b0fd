import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';

import { decodeCursor } from '../../common/pagination/cursor.js';
import { type Page, toPage } from '../../common/pagination/page.js';
import { ConversationsService } from '../conversations.service.js';
import { InboxEvents } from '../inbox-events.js';
import { ConversationNote } from './conversation-note.entity.js';
import { NoteDto } from './note.dto.js';

/**
 * Internal notes: stored beside the thread, never handed to a provider and never counted as unread
 * (the conversation itself is not touched), and shown live to the team as `note.created`.
 */
@Injectable()
export class ConversationNotesService {
  constructor(
    @InjectRepository(ConversationNote) private readonly notes: Repository<ConversationNote>,
    private readonly conversations: ConversationsService,
    private readonly events: InboxEvents,
  ) {}

  async create(conversationId: string, authorId: string, text: string): Promise<NoteDto> {
    await this.conversations.getRow(conversationId);
    return this.events.inTransaction(async (tx) => {
      const notes = tx.getRepository(ConversationNote);
      const note = NoteDto.from(await notes.save(notes.create({ conversationId, authorId, text })));
      await this.events.publish(tx, 'note.created', note);
      return note;
    });
  }

  /** Oldest first; the cursor moves forward in time. */
  async list(conversationId: string, limit: number, cursor?: string): Promise<Page<NoteDto>> {
    await this.conversations.getRow(conversationId);
    const query = this.notes
      .createQueryBuilder('n')
      .where('n.conversation_id = :conversationId', { conversationId })
      .orderBy('n.created_at', 'ASC')
      .addOrderBy('n.id', 'ASC')
      .limit(limit + 1);
    if (cursor) query.andWhere('(n.created_at, n.id) > (:at, :id)', decodeCursor(cursor));
    return toPage(
      await query.getMany(),
      limit,
      (n) => ({ at: n.createdAt, id: n.id }),
      (n) => NoteDto.from(n),
    );
  }
}
