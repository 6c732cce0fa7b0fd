import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';

import { ConflictError, NotFoundError, ValidationError } from '../common/errors/domain-error.js';
import { newestFirstPage, newestFirstRows, type Page } from '../common/pagination/page.js';
import { AutoReply, type MatchMode, type ReplyAction } from './auto-reply.entity.js';
import { matchesKeyword, normaliseKeywordText } from './keyword-matcher.js';

export interface AutoReplyInput {
  keywords?: string[];
  match?: MatchMode;
  reply?: string;
  channelId?: string;
  action?: ReplyAction;
  enabled?: boolean;
}

/** What to do about one inbound message. */
export interface AutoReplyDecision {
  action: ReplyAction;
  reply: string;
  ruleId: string;
  /** A keyword in the text, or the provider's own classification (Plivo's MessageIntent). */
  matchedBy: 'keyword' | 'intent';
  /** The message as keywords are compared (`OPT OUT` for "opt-out!"). */
  keyword: string;
}

/** A provider's own classification of an inbound message (Plivo's MessageIntent). */
export type ProviderIntent = 'optout' | 'optin' | 'help';
const INTENT_TO_BUILTIN = { optout: 'opt_out', optin: 'opt_in', help: 'help' } as const;

@Injectable()
export class AutoRepliesService {
  constructor(@InjectRepository(AutoReply) private readonly rules: Repository<AutoReply>) {}

  async list(limit: number, cursor?: string): Promise<Page<AutoReply>> {
    return newestFirstPage(await newestFirstRows(this.rules, limit, cursor), limit, (r) => r);
  }

  async get(id: string): Promise<AutoReply> {
    const rule = await this.rules.findOneBy({ id });
    if (!rule) throw new NotFoundError('Auto-reply', id);
    return rule;
  }

  async create(input: AutoReplyInput): Promise<AutoReply> {
    return this.saveChecked(
      this.rules.create({
        keywords: input.keywords,
        match: input.match,
        reply: input.reply,
        channelId: input.channelId ?? null,
        action: input.action ?? 'none',
        enabled: input.enabled ?? true,
        builtin: null,
      }),
    );
  }

  async update(id: string, changes: AutoReplyInput): Promise<AutoReply> {
    const rule = await this.get(id);
    if (rule.builtin) {
      const other = Object.entries(changes).filter(([key, value]) => key !== 'reply' && value !== undefined);
      if (other.length > 0)
        throw new ConflictError('Built-in keywords are always on; only their reply text can change');
    }
    Object.assign(
      rule,
      Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)),
    );
    rule.updatedAt = new Date();
    return this.saveChecked(rule);
  }

  async remove(id: string): Promise<void> {
    const rule = await this.get(id);
    if (rule.builtin)
      throw new ConflictError('Built-in keywords cannot be removed; change their reply text instead');
    await this.rules.delete({ id });
  }

  /**
   * Built-in consent rules come first, then this channel's rules, then everyone's, oldest first.
   * A contact who has opted out gets consent confirmations and the HELP answer (which carriers
   * require to work at all times), nothing else.
   */
  async decide(
    channelId: string,
    text: string,
    optedOut: boolean,
    intent?: ProviderIntent,
  ): Promise<AutoReplyDecision | undefined> {
    const rules = await this.rules
      .createQueryBuilder('r')
      .where('r.enabled AND (r.builtin IS NOT NULL OR r.channel_id IS NULL OR r.channel_id = :channelId)', {
        channelId,
      })
      .orderBy('r.builtin IS NULL', 'ASC')
      .addOrderBy('r.channel_id IS NULL', 'ASC')
      .addOrderBy('r.created_at', 'ASC')
      .getMany();
    const byIntent = intent ? rules.find((rule) => rule.builtin === INTENT_TO_BUILTIN[intent]) : undefined;
    const byKeyword = rules.find((rule) => matchesKeyword(text, rule.keywords, rule.match));
    const matched = byIntent ?? byKeyword;
    if (!matched) return undefined;
    if (optedOut && matched.action === 'none' && matched.builtin !== 'help') return undefined;
    return {
      action: matched.action,
      reply: matched.reply,
      ruleId: matched.id,
      matchedBy: matched === byKeyword ? 'keyword' : 'intent',
      keyword: normaliseKeywordText(text),
    };
  }

  private async saveChecked(rule: AutoReply): Promise<AutoReply> {
    try {
      return await this.rules.save(rule);
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23503') {
        throw ValidationError.forField('channelId', 'does not name an existing channel');
      }
      throw error;
    }
  }
}
