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
import { CannedResponsesService } from './canned-responses.service.js';
import {
  CannedResponseDto,
  CannedResponsePageDto,
  CreateCannedResponseDto,
  UpdateCannedResponseDto,
} from './dto/canned-response.dto.js';

@ApiTags('canned-responses')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('canned-responses')
export class CannedResponsesController {
  constructor(private readonly cannedResponses: CannedResponsesService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary: 'Create a canned response (admin)',
    description:
      'The shortcode is unique regardless of case (409); the text takes the campaign placeholders.',
  })
  @ApiCreatedResponse({ type: CannedResponseDto })
  @ApiErrorResponses(400, 409)
  async create(@Body() body: CreateCannedResponseDto): Promise<CannedResponseDto> {
    return CannedResponseDto.from(await this.cannedResponses.create(body));
  }

  @Get()
  @ApiOperation({ summary: 'List canned responses, newest first' })
  @ApiOkResponse({ type: CannedResponsePageDto })
  @ApiErrorResponses(400)
  async list(@Query() query: PaginationQueryDto): Promise<CannedResponsePageDto> {
    const page = await this.cannedResponses.list(query.limit, query.cursor);
    return { items: page.items.map((item) => CannedResponseDto.from(item)), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One canned response' })
  @ApiOkResponse({ type: CannedResponseDto })
  @ApiErrorResponses(400, 404)
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<CannedResponseDto> {
    return CannedResponseDto.from(await this.cannedResponses.get(id));
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Change a canned response (admin)' })
  @ApiOkResponse({ type: CannedResponseDto })
  @ApiErrorResponses(400, 404, 409)
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateCannedResponseDto,
  ): Promise<CannedResponseDto> {
    return CannedResponseDto.from(await this.cannedResponses.update(id, body));
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a canned response (admin)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrorResponses(400, 404)
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.cannedResponses.remove(id);
  }
}
