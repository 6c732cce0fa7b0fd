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
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';

import { Roles } from '../auth/decorators/roles.decorator.js';
import { ApiErrorResponses } from '../common/http/api-error-responses.decorator.js';
import { PaginationQueryDto } from '../common/pagination/pagination-query.dto.js';
import { AutoRepliesService } from './auto-replies.service.js';
import {
  AutoReplyDto,
  AutoReplyPageDto,
  CreateAutoReplyDto,
  UpdateAutoReplyDto,
} from './dto/auto-reply.dto.js';

@ApiTags('auto-replies')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('auto-replies')
export class AutoRepliesController {
  constructor(private readonly autoReplies: AutoRepliesService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary: 'Create an auto-reply (admin)',
    description: 'Matching is case- and whitespace-insensitive. `action` can also opt the sender out or in.',
  })
  @ApiCreatedResponse({ type: AutoReplyDto })
  @ApiErrorResponses(400, 403)
  async create(@Body() body: CreateAutoReplyDto): Promise<AutoReplyDto> {
    return AutoReplyDto.from(await this.autoReplies.create(body));
  }

  @Get()
  @ApiOperation({ summary: 'List auto-replies, the built-in consent keywords included' })
  @ApiOkResponse({ type: AutoReplyPageDto })
  @ApiErrorResponses(400)
  async list(@Query() query: PaginationQueryDto): Promise<AutoReplyPageDto> {
    const page = await this.autoReplies.list(query.limit, query.cursor);
    return { items: page.items.map((rule) => AutoReplyDto.from(rule)), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One auto-reply' })
  @ApiOkResponse({ type: AutoReplyDto })
  @ApiErrorResponses(400, 404)
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<AutoReplyDto> {
    return AutoReplyDto.from(await this.autoReplies.get(id));
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({
    summary: 'Change an auto-reply (admin)',
    description: 'Built-in keywords: only `reply` can change (409 otherwise).',
  })
  @ApiOkResponse({ type: AutoReplyDto })
  @ApiErrorResponses(400, 403, 404, 409)
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateAutoReplyDto,
  ): Promise<AutoReplyDto> {
    return AutoReplyDto.from(await this.autoReplies.update(id, body));
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Delete an auto-reply (admin)',
    description: 'Built-in keywords cannot be deleted (409).',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrorResponses(400, 403, 404, 409)
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.autoReplies.remove(id);
  }
}
