import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ChannelsService } from '../channels/channels.service.js';
import type { MessageStatus } from '../channels/providers/channel-provider.interface.js';
import { NotFoundError, ValidationError } from '../common/errors/domain-error.js';
import { newestFirstPage, newestFirstRows, type Page } from '../common/pagination/page.js';
import { CampaignMessagesRepository } from '../conversations/campaign-messages.repository.js';
import { assertChannelCanCarry, isWhatsAppChannel } from '../conversations/message-content.js';
import type { Message } from '../conversations/message.entity.js';
import { CampaignAudienceRepository } from './campaign-audience.repository.js';
import { type CampaignEvent, nextStatus } from './campaign-state.js';
import { campaignProgress, campaignStats, type CampaignStats, type StatusCount } from './campaign-stats.js';
import { CampaignsRepository } from './campaigns.repository.js';
import { parseCampaignText, UnknownPlaceholderError } from './campaign-text.js';
import { Campaign, type CampaignAudience, type CampaignMessage } from './campaign.entity.js';
import type {
  CampaignAudienceDto,
  CampaignMessageDto,
  CreateCampaignDto,
  SendWindowDto,
} from './dto/create-campaign.dto.js';
import {
  CampaignStateError,
  EmptyAudienceError,
  WhatsAppCampaignNeedsTemplateError,
} from './campaign-errors.js';
import type { SendWindow } from './send-window.js';

export interface CampaignView {
  campaign: Campaign;
  stats: CampaignStats;
  progress: number;
}

/** Campaigns as users see and steer them; sending is the dispatcher's. */
@Injectable()
export class CampaignsService {
  constructor(
    @InjectRepository(Campaign) private readonly campaigns: Repository<Campaign>,
    private readonly repository: CampaignsRepository,
    private readonly messageRows: CampaignMessagesRepository,
    private readonly channels: ChannelsService,
    private readonly audience: CampaignAudienceRepository,
  ) {}

  async create(input: CreateCampaignDto): Promise<CampaignView> {
    const message = messageFrom(input.message);
    const audience = audienceFrom(input.audience);
    const channel = await this.channels.activeContext(input.channelId);
    assertChannelCanCarry(channel, message);
    if (isWhatsAppChannel(channel) && message.kind !== 'template') {
      throw new WhatsAppCampaignNeedsTemplateError();
    }
    const campaign = await this.campaigns.save(
      this.campaigns.create({
        name: input.name.trim(),
        channelId: channel.id,
        message,
        audience,
        scheduledAt: input.scheduledAt ? new Date(input.scheduledAt) : null,
        ratePerSecond: input.ratePerSecond ?? null,
        sendWindow: sendWindowFrom(input.sendWindow),
        frequencyCap: input.frequencyCap
          ? { max: input.frequencyCap.max, perHours: input.frequencyCap.perHours }
          : null,
        status: 'draft',
      }),
    );
    return this.view(campaign);
  }

  /** What an audience amounts to before a campaign is made of it. */
  audienceSize(
    input: CampaignAudienceDto,
  ): Promise<{ contacts: number; reachable: number; sampleContactId: string | null }> {
    return this.audience.size(audienceFrom(input));
  }

  async list(limit: number, cursor?: string): Promise<Page<CampaignView>> {
    const rows = await newestFirstRows(this.campaigns, limit, cursor);
    const counts = await this.messageRows.statusCounts(rows.slice(0, limit).map((c) => c.id));
    return newestFirstPage(rows, limit, (c) => viewOf(c, counts.get(c.id) ?? []));
  }

  async get(id: string): Promise<CampaignView> {
    return this.view(await this.find(id));
  }

  async schedule(id: string, scheduledAt?: string): Promise<CampaignView> {
    const campaign = await this.find(id);
    // Sent to nobody, it would show "completed, 100 %" a second later and look like it worked.
    if (
      nextStatus(campaign.status, 'schedule', campaign.startedAt !== null) &&
      !(await this.audience.matchesAnyone(campaign.audience))
    ) {
      throw new EmptyAudienceError();
    }
    return this.transition(id, 'schedule', (campaign) => ({
      scheduledAt: scheduledAt ? new Date(scheduledAt) : (campaign.scheduledAt ?? new Date()),
    }));
  }

  pause(id: string): Promise<CampaignView> {
    return this.transition(id, 'pause');
  }

  resume(id: string): Promise<CampaignView> {
    return this.transition(id, 'resume');
  }

  cancel(id: string): Promise<CampaignView> {
    return this.transition(id, 'cancel', () => ({ completedAt: new Date() }));
  }

  async messages(id: string, limit: number, cursor?: string, status?: MessageStatus): Promise<Page<Message>> {
    await this.find(id);
    return this.messageRows.page(id, limit, cursor, status);
  }

  /**
   * Compare-and-set on the status, so a user's request and the dispatcher never overwrite each
   * other: a lost race is retried against the fresh row.
   */
  private async transition(
    id: string,
    event: CampaignEvent,
    changes: (c: Campaign) => Partial<Campaign> = () => ({}),
  ): Promise<CampaignView> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const campaign = await this.find(id);
      const to = nextStatus(campaign.status, event, campaign.startedAt !== null);
      if (!to) throw new CampaignStateError(`A ${campaign.status} campaign cannot be ${pastTense(event)}`);
      if (await this.repository.moveStatus(id, campaign.status, { ...changes(campaign), status: to }))
        return this.get(id);
    }
    throw new CampaignStateError('The campaign changed state concurrently; try again');
  }

  private async view(campaign: Campaign): Promise<CampaignView> {
    const counts = await this.messageRows.statusCounts([campaign.id]);
    return viewOf(campaign, counts.get(campaign.id) ?? []);
  }

  private async find(id: string): Promise<Campaign> {
    const campaign = await this.campaigns.findOneBy({ id });
    if (!campaign) throw new NotFoundError('Campaign', id);
    return campaign;
  }
}

function viewOf(campaign: Campaign, counts: StatusCount[]): CampaignView {
  const stats = campaignStats(campaign, counts);
  return { campaign, stats, progress: campaignProgress(campaign.status, stats) };
}

function messageFrom(message: CampaignMessageDto): CampaignMessage {
  if ((message.text === undefined) === (message.template === undefined)) {
    throw new ValidationError('Give exactly one of message.text and message.template', [
      { field: 'message', messages: ['exactly one of text and template is required'] },
    ]);
  }
  if (message.template) return { kind: 'template', template: { ...message.template } };
  const text = message.text as string;
  try {
    parseCampaignText(text);
  } catch (error) {
    if (error instanceof UnknownPlaceholderError)
      throw ValidationError.forField('message.text', error.message);
    throw error;
  }
  return { kind: 'text', text };
}

function audienceFrom(audience: CampaignAudienceDto): CampaignAudience {
  const given = [audience.contactIds, audience.tags, audience.all].filter((v) => v !== undefined).length;
  if (given !== 1) {
    throw new ValidationError('Give exactly one of audience.contactIds, audience.tags and audience.all', [
      { field: 'audience', messages: ['exactly one of contactIds, tags and all is required'] },
    ]);
  }
  if (audience.contactIds)
    return { contactIds: [...new Set(audience.contactIds.map((id) => id.toLowerCase()))] };
  if (audience.tags) return { tags: [...new Set(audience.tags)] };
  return { all: true };
}

function sendWindowFrom(window: SendWindowDto | undefined): SendWindow | null {
  if (!window) return null;
  if (window.start === window.end) {
    throw ValidationError.forField('sendWindow.end', 'must differ from sendWindow.start');
  }
  return {
    start: window.start,
    end: window.end,
    ...(window.days ? { days: [...new Set(window.days)] } : {}),
    unknownTimeZone: window.unknownTimeZone ?? 'hold',
  };
}

function pastTense(event: CampaignEvent): string {
  const words: Record<CampaignEvent, string> = {
    schedule: 'scheduled',
    pause: 'paused',
    resume: 'resumed',
    cancel: 'cancelled',
    start: 'started',
    complete: 'completed',
    fail: 'failed',
  };
  return words[event];
}
