import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
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

import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/decorators/current-user.decorator.js';
import { Roles } from '../auth/decorators/roles.decorator.js';
import { ApiErrorResponses } from '../common/http/api-error-responses.decorator.js';
import { PaginationQueryDto } from '../common/pagination/pagination-query.dto.js';
import { ApiKeysService } from './api-keys.service.js';
import { ApiKeyDto, ApiKeyPageDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto.js';

@ApiTags('api-keys')
@ApiBearerAuth()
@Roles('admin')
@ApiErrorResponses(401, 403)
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiOperation({
    summary: 'Create an API key (admin)',
    description: 'The key is in this response only; it is stored as a hash and cannot be shown again.',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiErrorResponses(400)
  async create(
    @Body() body: CreateApiKeyDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<CreatedApiKeyDto> {
    const created = await this.apiKeys.create(body, user);
    return { ...ApiKeyDto.from(created.row), key: created.key };
  }

  @Get()
  @ApiOperation({ summary: 'List API keys, newest first (admin)' })
  @ApiOkResponse({ type: ApiKeyPageDto })
  @ApiErrorResponses(400)
  async list(@Query() query: PaginationQueryDto): Promise<ApiKeyPageDto> {
    const page = await this.apiKeys.list(query.limit, query.cursor);
    return { items: page.items.map((row) => ApiKeyDto.from(row)), nextCursor: page.nextCursor };
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Revoke an API key (admin)',
    description: 'Refused (401) from the next request on, on every instance.',
  })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrorResponses(400, 404)
  async revoke(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.apiKeys.revoke(id);
  }
}
