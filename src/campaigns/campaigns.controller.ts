import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/decorators/roles.decorator.js';
import { ApiErrorResponses } from '../common/http/api-error-responses.decorator.js';
import { PaginationQueryDto } from '../common/pagination/pagination-query.dto.js';
import { CampaignPreviewService } from './campaign-preview.service.js';
import { CampaignsService, type CampaignView } from './campaigns.service.js';
import { MessageDto } from '../conversations/dto/message.dto.js';
import {
  CampaignDto,
  CampaignPreviewDto,
  CampaignMessagePageDto,
  CampaignMessagesQueryDto,
  CampaignPageDto,
} from './dto/campaign.dto.js';
import { AudienceSizeDto, AudienceSizeRequestDto } from './dto/audience-size.dto.js';
import { CreateCampaignDto, ScheduleCampaignDto } from './dto/create-campaign.dto.js';

@ApiTags('campaigns')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('campaigns')
export class CampaignsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly previews: CampaignPreviewService,
  ) {}

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary: 'Create a campaign as a draft (admin)',
    description:
      'A WhatsApp channel needs a template (422). The channel must exist (404) and be enabled (409).',
  })
  @ApiCreatedResponse({ type: CampaignDto })
  @ApiErrorResponses(400, 404, 409, 422)
  async create(@Body() body: CreateCampaignDto): Promise<CampaignDto> {
    return toDto(await this.campaigns.create(body));
  }

  @Post('audience-size')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Count an audience before creating a campaign for it (admin)',
    description:
      'The contacts it holds, those a campaign would send to now, and one of those to preview with.',
  })
  @ApiOkResponse({ type: AudienceSizeDto })
  @ApiErrorResponses(400)
  async audienceSize(@Body() body: AudienceSizeRequestDto): Promise<AudienceSizeDto> {
    return this.campaigns.audienceSize(body.audience);
  }

  @Get()
  @ApiOperation({ summary: 'List campaigns, newest first' })
  @ApiOkResponse({ type: CampaignPageDto })
  @ApiErrorResponses(400)
  async list(@Query() query: PaginationQueryDto): Promise<CampaignPageDto> {
    const page = await this.campaigns.list(query.limit, query.cursor);
    return { items: page.items.map(toDto), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One campaign with its delivery stats and progress' })
  @ApiOkResponse({ type: CampaignDto })
  @ApiErrorResponses(400, 404)
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<CampaignDto> {
    return toDto(await this.campaigns.get(id));
  }

  @Get(':id/preview')
  @ApiOperation({
    summary: 'What scheduling the campaign now would do (any state)',
    description:
      'Counts by outcome, held recipients, SMS encoding and segments computed on every recipient’s rendered text, and an estimated duration from the rate limits. Nothing is sent or written.',
  })
  @ApiOkResponse({ type: CampaignPreviewDto })
  @ApiErrorResponses(400, 404)
  async preview(@Param('id', ParseUUIDPipe) id: string): Promise<CampaignPreviewDto> {
    return this.previews.preview(id);
  }

  @Get(':id/messages')
  @ApiOperation({ summary: "The campaign's per-recipient messages, newest first" })
  @ApiOkResponse({ type: CampaignMessagePageDto })
  @ApiErrorResponses(400, 404)
  async messages(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: CampaignMessagesQueryDto,
  ): Promise<CampaignMessagePageDto> {
    const page = await this.campaigns.messages(id, query.limit, query.cursor, query.status);
    return { items: page.items.map((message) => MessageDto.from(message)), nextCursor: page.nextCursor };
  }

  @Post(':id/schedule')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Schedule at the given time, else the stored scheduledAt, else now (admin)',
    description: '409 from a final state or while sending. 422 when the audience matches no contacts.',
  })
  @ApiOkResponse({ type: CampaignDto })
  @ApiErrorResponses(400, 404, 409, 422)
  async schedule(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: ScheduleCampaignDto,
  ): Promise<CampaignDto> {
    return toDto(await this.campaigns.schedule(id, body.scheduledAt));
  }

  @Post(':id/pause')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Pause a scheduled or sending campaign (admin)' })
  @ApiOkResponse({ type: CampaignDto })
  @ApiErrorResponses(400, 404, 409)
  async pause(@Param('id', ParseUUIDPipe) id: string): Promise<CampaignDto> {
    return toDto(await this.campaigns.pause(id));
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Resume a paused campaign: sending again if it had started, else scheduled (admin)',
  })
  @ApiOkResponse({ type: CampaignDto })
  @ApiErrorResponses(400, 404, 409)
  async resume(@Param('id', ParseUUIDPipe) id: string): Promise<CampaignDto> {
    return toDto(await this.campaigns.resume(id));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary:
      'Cancel a campaign that has not finished; unsent messages stay queued and are never sent (admin)',
  })
  @ApiOkResponse({ type: CampaignDto })
  @ApiErrorResponses(400, 404, 409)
  async cancel(@Param('id', ParseUUIDPipe) id: string): Promise<CampaignDto> {
    return toDto(await this.campaigns.cancel(id));
  }
}

function toDto({ campaign, stats, progress }: CampaignView): CampaignDto {
  return {
    id: campaign.id,
    name: campaign.name,
    channelId: campaign.channelId,
    message: campaign.message,
    audience: campaign.audience,
    scheduledAt: campaign.scheduledAt?.toISOString() ?? null,
    ratePerSecond: campaign.ratePerSecond,
    sendWindow: campaign.sendWindow,
    frequencyCap: campaign.frequencyCap,
    status: campaign.status,
    failureReason: campaign.failureReason,
    stats,
    progress,
    startedAt: campaign.startedAt?.toISOString() ?? null,
    completedAt: campaign.completedAt?.toISOString() ?? null,
    createdAt: campaign.createdAt.toISOString(),
    updatedAt: campaign.updatedAt.toISOString(),
  };
}
