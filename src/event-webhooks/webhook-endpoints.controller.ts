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
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';

import { Roles } from '../auth/decorators/roles.decorator.js';
import { SecretBox } from '../common/crypto/secret-box.js';
import { ApiErrorResponses } from '../common/http/api-error-responses.decorator.js';
import { PaginationQueryDto } from '../common/pagination/pagination-query.dto.js';
import {
  CreatedWebhookEndpointDto,
  CreateWebhookEndpointDto,
  UpdateWebhookEndpointDto,
  WebhookDeliveryPageDto,
  WebhookEndpointDto,
  WebhookEndpointPageDto,
} from './dto/webhook-endpoint.dto.js';
import type { EndpointRow } from './webhook-endpoints.repository.js';
import { WebhookEndpointsService } from './webhook-endpoints.service.js';

@ApiTags('webhook-endpoints')
@ApiBearerAuth()
@Roles('admin')
@ApiErrorResponses(401, 403)
@Controller('webhook-endpoints')
export class WebhookEndpointsController {
  constructor(
    private readonly endpoints: WebhookEndpointsService,
    private readonly secrets: SecretBox,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Subscribe an endpoint to events (admin)',
    description: 'The signing secret is in this response only.',
  })
  @ApiCreatedResponse({ type: CreatedWebhookEndpointDto })
  @ApiErrorResponses(400)
  async create(@Body() body: CreateWebhookEndpointDto): Promise<CreatedWebhookEndpointDto> {
    const created = await this.endpoints.create(body);
    return { ...WebhookEndpointDto.from(created.row, created.secret), secret: created.secret };
  }

  @Get()
  @ApiOperation({ summary: 'List endpoints, newest first (admin)' })
  @ApiOkResponse({ type: WebhookEndpointPageDto })
  @ApiErrorResponses(400)
  async list(@Query() query: PaginationQueryDto): Promise<WebhookEndpointPageDto> {
    const page = await this.endpoints.list(query.limit, query.cursor);
    return { items: page.items.map((row) => this.view(row)), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One endpoint (admin)' })
  @ApiOkResponse({ type: WebhookEndpointDto })
  @ApiErrorResponses(400, 404)
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<WebhookEndpointDto> {
    return this.view(await this.endpoints.get(id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an endpoint, or enable or disable it (admin)' })
  @ApiOkResponse({ type: WebhookEndpointDto })
  @ApiErrorResponses(400, 404)
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateWebhookEndpointDto,
  ): Promise<WebhookEndpointDto> {
    return this.view(await this.endpoints.update(id, body));
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete an endpoint and its deliveries (admin)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrorResponses(400, 404)
  async delete(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.endpoints.delete(id);
  }

  @Get(':id/deliveries')
  @ApiOperation({
    summary: "An endpoint's delivery attempts, newest first (admin)",
    description: 'Deliveries not yet attempted are listed as `pending`.',
  })
  @ApiOkResponse({ type: WebhookDeliveryPageDto })
  @ApiErrorResponses(400, 404)
  async deliveries(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: PaginationQueryDto,
  ): Promise<WebhookDeliveryPageDto> {
    const page = await this.endpoints.deliveriesOf(id, query.limit, query.cursor);
    return {
      items: page.items.map((row) => ({
        id: row.id,
        deliveryId: row.delivery_id,
        eventId: row.event_id,
        type: row.type,
        attempt: row.attempt,
        status: row.status,
        responseStatus: row.response_status,
        responseBody: row.response_body,
        error: row.error,
        at: row.at.toISOString(),
        nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
      })),
      nextCursor: page.nextCursor,
    };
  }

  @Post(':id/deliveries/:deliveryId/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Retry a delivery now (admin)',
    description: 'For a delivery that failed or waits for its next attempt; a succeeded one is a 409.',
  })
  @ApiAcceptedResponse({ description: 'The delivery is due at once' })
  @ApiErrorResponses(400, 404, 409)
  async retry(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('deliveryId', ParseUUIDPipe) deliveryId: string,
  ): Promise<void> {
    await this.endpoints.retry(id, deliveryId);
  }

  private view(row: EndpointRow): WebhookEndpointDto {
    return WebhookEndpointDto.from(row, this.secrets.open(row.secret_sealed));
  }
}
