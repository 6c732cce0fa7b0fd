import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';

import { Roles } from '../auth/decorators/roles.decorator.js';
import { ApiErrorResponses } from '../common/http/api-error-responses.decorator.js';
import type { Page } from '../common/pagination/page.js';
import { PaginationQueryDto } from '../common/pagination/pagination-query.dto.js';
import { ChannelsService, type ChannelView } from './channels.service.js';
import { CHANNEL_SCHEMA, CHANNEL_VARIANTS, ChannelPageDto, VerifyResultDto } from './dto/channel.dto.js';
import {
  CREATE_CHANNEL_SCHEMA,
  CreateChannelDto,
  CreatePlivoChannelDto,
  CreateSandboxChannelDto,
  CreateSinchConversationChannelDto,
  CreateSinchSmsChannelDto,
  UpdateChannelDto,
} from './dto/create-channel.dto.js';
import { SimulatedInboundDto, SimulateInboundDto } from './dto/simulate-inbound.dto.js';

@ApiTags('channels')
@ApiBearerAuth()
@ApiExtraModels(
  ...Object.values(CHANNEL_VARIANTS),
  CreateSinchSmsChannelDto,
  CreateSinchConversationChannelDto,
  CreatePlivoChannelDto,
  CreateSandboxChannelDto,
)
@ApiErrorResponses(401)
@Controller('channels')
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary: 'Configure a channel (admin)',
    description:
      'Secrets are encrypted at rest and never returned. The response carries the webhook URLs to give the provider.',
  })
  @ApiBody({ schema: CREATE_CHANNEL_SCHEMA })
  @ApiCreatedResponse({ schema: CHANNEL_SCHEMA })
  create(@Body() body: CreateChannelDto): Promise<ChannelView> {
    return this.channels.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List channels, newest first' })
  @ApiOkResponse({ type: ChannelPageDto })
  @ApiErrorResponses(400)
  list(@Query() query: PaginationQueryDto): Promise<Page<ChannelView>> {
    return this.channels.list(query.limit, query.cursor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One channel' })
  @ApiOkResponse({ schema: CHANNEL_SCHEMA })
  @ApiErrorResponses(404)
  get(@Param('id', ParseUUIDPipe) id: string): Promise<ChannelView> {
    return this.channels.get(id);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({
    summary: 'Change a channel (admin)',
    description: 'Config fields that are omitted keep their values.',
  })
  @ApiOkResponse({ schema: CHANNEL_SCHEMA })
  @ApiErrorResponses(404)
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateChannelDto): Promise<ChannelView> {
    return this.channels.update(id, body);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Disable a channel (admin)',
    description:
      'It stays readable with `disabled: true` and keeps its history; sending through it answers 409.',
  })
  @ApiNoContentResponse({ description: 'Disabled' })
  @ApiErrorResponses(400, 403, 404)
  async disable(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.channels.disable(id);
  }

  @Post(':id/simulate-inbound')
  @Roles('admin')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Make a sandbox channel receive a message (admin)',
    description:
      'The sandbox posts a signed inbound callback to its own webhook route, exactly as a provider would, for trying the inbox and keywords.',
  })
  @ApiAcceptedResponse({ type: SimulatedInboundDto })
  @ApiErrorResponses(400, 403, 404, 409, 422)
  async simulateInbound(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: SimulateInboundDto,
  ): Promise<SimulatedInboundDto> {
    return { providerMessageId: await this.channels.simulateInbound(id, body.from, body.text) };
  }

  @Post(':id/verify')
  @Roles('admin')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Check the channel's credentials against the provider (admin)" })
  @ApiOkResponse({ type: VerifyResultDto })
  @ApiErrorResponses(400, 403, 404)
  verify(@Param('id', ParseUUIDPipe) id: string): Promise<VerifyResultDto> {
    return this.channels.verify(id);
  }
}
