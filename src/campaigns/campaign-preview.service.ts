import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { NotFoundError } from '../common/errors/domain-error.js';
import { queryRows } from '../database/query-rows.js';
import { audienceSql, frequencyCappedSql, sendableSql } from './campaign-audience.service.js';
import type { CampaignAudience, CampaignMessage } from './campaign.entity.js';
import { parseCampaignText, renderSql } from './campaign-text.js';
import { isWithinWindow, type FrequencyCap, type SendWindow } from './send-window.js';
import { tightestRate } from './send-units.js';
import { SMS_SQL_PARAMS, smsCountLateral, type SmsEncoding } from './sms-encoding.js';

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

interface PreviewCampaign {
  message: CampaignMessage;
  audience: CampaignAudience;
  send_window: SendWindow | null;
  frequency_cap: FrequencyCap | null;
  rate_per_second: number | null;
  channel_max_per_second: number | null;
}

interface PreviewGroup {
  kind: 'invalid' | 'opted_out' | 'capped' | 'recipient';
  zone: string | null;
  count: string;
  all_gsm: boolean | null;
  min_segments: number | null;
  max_segments: number | null;
  segments: string | null;
}

/**
 * What scheduling a campaign now would do, computed without sending or writing anything: one scan
 * of the audience that classifies each contact as the materialisation would (invalid, opted out,
 * at its frequency cap, recipient), renders each recipient's text in SQL and counts its SMS segments
 * there, grouped by time zone so the send window is applied per zone in JS.
 */
@Injectable()
export class CampaignPreviewService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async preview(id: string, at: Date = new Date()): Promise<CampaignPreview> {
    const [campaign] = await queryRows<PreviewCampaign>(
      this.dataSource,
      `SELECT cp.message, cp.audience, cp.send_window, cp.frequency_cap, cp.rate_per_second,
              (ch.config->>'maxPerSecond')::int AS channel_max_per_second
         FROM campaigns cp JOIN channels ch ON ch.id = cp.channel_id WHERE cp.id = $1`,
      [id],
    );
    if (!campaign) throw new NotFoundError('Campaign', id);

    const params: unknown[] = [
      ...SMS_SQL_PARAMS,
      campaign.frequency_cap?.max ?? null,
      campaign.frequency_cap?.perHours ?? null,
    ];
    const text =
      campaign.message.kind === 'text'
        ? renderSql(parseCampaignText(campaign.message.text), 'c', params)
        : `''::text`;
    const audience = audienceSql(campaign.audience, 'c', params);
    // Identical rendered texts are counted once (a text without placeholders: once in all).
    const groups = await queryRows<PreviewGroup>(
      this.dataSource,
      `WITH texts AS (
         SELECT r.kind, r.zone, r.text, count(*) AS n
           FROM (SELECT CASE WHEN c.erased_at IS NOT NULL OR c.phone IS NULL THEN 'invalid'
                             WHEN c.opted_out_at IS NOT NULL THEN 'opted_out'
                             WHEN ${frequencyCappedSql('c', 4, 5)} THEN 'capped'
                             ELSE 'recipient' END AS kind,
                        CASE WHEN ${sendableSql('c')} THEN coalesce(c.time_zone, c.phone_time_zone) END AS zone,
                        CASE WHEN ${sendableSql('c')} THEN ${text} END AS text
                   FROM contacts c WHERE ${audience}) r
          GROUP BY r.kind, r.zone, r.text)
       SELECT t.kind, t.zone, sum(t.n) AS count,
              bool_and(m.is_gsm) FILTER (WHERE t.kind = 'recipient') AS all_gsm,
              min(m.segments) FILTER (WHERE t.kind = 'recipient') AS min_segments,
              max(m.segments) FILTER (WHERE t.kind = 'recipient') AS max_segments,
              sum(m.segments * t.n) FILTER (WHERE t.kind = 'recipient') AS segments
         FROM texts t CROSS JOIN LATERAL ${smsCountLateral('t.text', [1, 2, 3])} m
        GROUP BY t.kind, t.zone`,
      params,
    );
    return summarise(campaign, groups, at);
  }
}

function summarise(campaign: PreviewCampaign, groups: PreviewGroup[], at: Date): CampaignPreview {
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
