import { ApiProperty } from '@nestjs/swagger';

import { CAMPAIGN_STATUSES, type CampaignStatus } from '../../campaigns/campaign-state.js';
import { CampaignStatsDto } from '../../campaigns/dto/campaign.dto.js';
import type { DashboardView } from '../dashboard.service.js';

export class MessageTotalsDto {
  @ApiProperty({
    description: 'Outbound messages the provider accepted: sent, delivered or read',
    example: 1240,
  })
  sent!: number;

  @ApiProperty({ description: 'Outbound messages delivered or read', example: 1180 })
  delivered!: number;

  @ApiProperty({ description: 'Outbound messages failed or rejected', example: 12 })
  failed!: number;

  @ApiProperty({ description: 'Inbound messages received', example: 310 })
  inbound!: number;
}

export class DayFiguresDto extends MessageTotalsDto {
  @ApiProperty({ description: 'A UTC calendar day', format: 'date', example: '2026-12-07' })
  date!: string;
}

export class ChannelFiguresDto {
  @ApiProperty({ format: 'uuid', example: '3f6c1d2e-8a4b-4c9d-9e1f-2a3b4c5d6e7f' })
  id!: string;

  @ApiProperty({ example: 'Support SMS' })
  name!: string;

  @ApiProperty({ example: 'sinch-sms' })
  provider!: string;

  @ApiProperty({ type: MessageTotalsDto })
  today!: MessageTotalsDto;

  @ApiProperty({ type: MessageTotalsDto })
  week!: MessageTotalsDto;

  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: 1,
    description: "This week's delivered ÷ (sent + failed); null when nothing was sent",
    example: 0.94,
  })
  deliveryRate!: number | null;
}

export class InFlightCampaignDto {
  @ApiProperty({ format: 'uuid', example: '7d4b2c1a-0e9f-4b8a-a6c5-3e2d1f0a9b8c' })
  id!: string;

  @ApiProperty({ example: 'Spring sale' })
  name!: string;

  @ApiProperty({ enum: CAMPAIGN_STATUSES, example: 'sending' })
  status!: CampaignStatus;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-12-07T09:00:00.000Z' })
  startedAt!: string | null;

  @ApiProperty({ type: CampaignStatsDto })
  stats!: CampaignStatsDto;

  @ApiProperty({ minimum: 0, maximum: 1, description: 'The share of the audience settled', example: 0.42 })
  progress!: number;
}

export class DashboardDto {
  @ApiProperty({ format: 'date-time', example: '2026-12-07T14:03:12.000Z' })
  generatedAt!: string;

  @ApiProperty({
    type: MessageTotalsDto,
    description: 'Messages created today (UTC), by what became of them',
  })
  today!: MessageTotalsDto;

  @ApiProperty({
    type: MessageTotalsDto,
    description: 'Messages created in the last seven UTC days, today included',
  })
  week!: MessageTotalsDto;

  @ApiProperty({ type: [DayFiguresDto], description: 'The same seven days one by one, oldest first' })
  days!: DayFiguresDto[];

  @ApiProperty({ type: [ChannelFiguresDto], description: 'Every channel, by name' })
  channels!: ChannelFiguresDto[];

  @ApiProperty({
    type: [InFlightCampaignDto],
    description: 'Sending and paused campaigns, most recently started first (at most 10)',
  })
  campaignsInFlight!: InFlightCampaignDto[];

  static from(view: DashboardView): DashboardDto {
    return {
      ...view,
      generatedAt: view.generatedAt.toISOString(),
      campaignsInFlight: view.campaignsInFlight.map((campaign) => ({
        ...campaign,
        startedAt: campaign.startedAt?.toISOString() ?? null,
      })),
    };
  }
}
