import { Injectable } from '@nestjs/common';

import { NotFoundError } from '../common/errors/domain-error.js';
import { CampaignAudienceRepository, type PreviewGroup } from './campaign-audience.repository.js';
import { CampaignsRepository, type PreviewSettings } from './campaigns.repository.js';
import { isWithinWindow } from './send-window.js';
import { tightestRate } from './send-units.js';
import type { SmsEncoding } from './sms-encoding.js';

export interface CampaignPreview {
  recipients: number;
  skippedOptedOut: number;
  skippedInvalid: number;
  skippedFrequencyCap: number;
  heldNow: number;
  encoding: SmsEncoding;
  segmentsPerMessage: { min: number; max: number };
  totalSegments: number;
  estimatedSeconds: number | null;
}

/**
 * What scheduling a campaign now would do, computed without sending or writing anything: one scan
 * of the audience classifies and renders every contact (CampaignAudienceRepository.previewGroups),
 * grouped by time zone so the send window is applied per zone here.
 */
@Injectable()
export class CampaignPreviewService {
  constructor(
    private readonly campaigns: CampaignsRepository,
    private readonly audience: CampaignAudienceRepository,
  ) {}

  async preview(id: string, at: Date = new Date()): Promise<CampaignPreview> {
    const campaign = await this.campaigns.previewSettings(id);
    if (!campaign) throw new NotFoundError('Campaign', id);
    return summarise(campaign, await this.audience.previewGroups(campaign), at);
  }
}

function summarise(campaign: PreviewSettings, groups: PreviewGroup[], at: Date): CampaignPreview {
  const count = (kind: PreviewGroup['kind']) =>
    groups.filter((g) => g.kind === kind).reduce((sum, g) => sum + Number(g.count), 0);
  const recipients = groups.filter((g) => g.kind === 'recipient');
  const window = campaign.send_window;
  const heldNow = window
    ? recipients
        .filter((g) => !isWithinWindow(window, g.zone, at))
        .reduce((sum, g) => sum + Number(g.count), 0)
    : 0;
  const total = count('recipient');
  const rate = tightestRate(campaign.rate_per_second, campaign.channel_max_per_second);
  return {
    recipients: total,
    skippedOptedOut: count('opted_out'),
    skippedInvalid: count('invalid'),
    skippedFrequencyCap: count('capped'),
    heldNow,
    encoding: recipients.every((g) => g.all_gsm !== false) ? 'GSM-7' : 'UCS-2',
    segmentsPerMessage: {
      min: total === 0 ? 0 : Math.min(...recipients.map((g) => g.min_segments ?? 0)),
      max: total === 0 ? 0 : Math.max(...recipients.map((g) => g.max_segments ?? 0)),
    },
    totalSegments: recipients.reduce((sum, g) => sum + Number(g.segments ?? 0), 0),
    estimatedSeconds: rate === null ? null : Math.ceil(total / rate),
  };
}
