import { Controller, Header, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrorResponses } from '../common/http/api-error-responses.decorator.js';
import { plivoResponseXml } from './plivo-xml.js';
import { WebhookIntakeService } from './webhook-intake.service.js';
import type { AuthenticatedWebhook } from './webhook-request.js';
import { Webhook, WebhookRoute } from './webhook-route.decorator.js';

class WebhookAcceptedDto {
  @ApiProperty({ description: 'Events in the request', example: 1 })
  received!: number;

  @ApiProperty({ description: 'Events stored for processing (new ones)', example: 1 })
  stored!: number;

  @ApiProperty({ description: 'Events already received before (redeliveries)', example: 0 })
  duplicates!: number;
}

const JSON_CALLBACK = { schema: { type: 'object', additionalProperties: true } };
const PLIVO_FORM = {
  schema: {
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { MessageUUID: '3c6bb3a4-9d3f-11ee-8c90-0242ac120002', Status: 'delivered', To: '14155550100' },
  },
};
const ERRORS = [400, 401, 404, 413, 503];

@ApiTags('webhooks')
@ApiParam({ name: 'channelId', format: 'uuid' })
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly intake: WebhookIntakeService) {}

  @Post('sinch-sms/:channelId/:token')
  @WebhookRoute('sinch-sms', 'callback')
  @HttpCode(HttpStatus.OK)
  @ApiParam({
    name: 'token',
    description: "The channel's unguessable callback token, from its `webhookUrls`",
  })
  @ApiOperation({
    summary:
      'Sinch SMS callbacks (public; the URL token authenticates, plus an HMAC when the channel has a webhookSecret)',
    description:
      '`delivery_report_sms`, `recipient_delivery_report_sms`, `mo_text`, `mo_binary`. Stored before the 2xx; redeliveries are recognised.',
  })
  @ApiBody(JSON_CALLBACK)
  @ApiOkResponse({ type: WebhookAcceptedDto })
  @ApiErrorResponses(...ERRORS)
  sinchSms(@Webhook() webhook: AuthenticatedWebhook): Promise<WebhookAcceptedDto> {
    return this.intake.accept(webhook);
  }

  @Post('sinch-conversation/:channelId')
  @WebhookRoute('sinch-conversation', 'callback')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Sinch Conversation API callbacks (public; Sinch HMAC signature required)',
    description:
      'MESSAGE_INBOUND, MESSAGE_DELIVERY, opt-in/opt-out notifications; other triggers are accepted and ignored.',
  })
  @ApiBody(JSON_CALLBACK)
  @ApiOkResponse({ type: WebhookAcceptedDto })
  @ApiErrorResponses(...ERRORS)
  sinchConversation(@Webhook() webhook: AuthenticatedWebhook): Promise<WebhookAcceptedDto> {
    return this.intake.accept(webhook);
  }

  @Post('plivo/:channelId/status')
  @WebhookRoute('plivo', 'status')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Plivo message status callbacks (public; Plivo V3 signature, V2 as fallback)' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody(PLIVO_FORM)
  @ApiOkResponse({ type: WebhookAcceptedDto })
  @ApiErrorResponses(...ERRORS)
  plivoStatus(@Webhook() webhook: AuthenticatedWebhook): Promise<WebhookAcceptedDto> {
    return this.intake.accept(webhook);
  }

  @Post('plivo/:channelId/inbound')
  @WebhookRoute('plivo', 'inbound')
  @HttpCode(HttpStatus.OK)
  @Header('Content-Type', 'application/xml')
  @ApiOperation({
    summary: 'Plivo inbound messages (public; Plivo V3 signature, V2 as fallback)',
    description: 'Answers Plivo XML: a `<Message>` when an auto-reply matched, else an empty `<Response/>`.',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody(PLIVO_FORM)
  @ApiProduces('application/xml')
  @ApiOkResponse({
    description: 'Plivo XML',
    schema: { type: 'string', example: '<?xml version="1.0" encoding="UTF-8"?><Response/>' },
  })
  @ApiErrorResponses(...ERRORS)
  async plivoInbound(@Webhook() webhook: AuthenticatedWebhook): Promise<string> {
    const processed = await this.intake.acceptAndProcess(webhook);
    return plivoResponseXml(processed.find((event) => event.inbound?.inlineReply)?.inbound?.inlineReply);
  }

  @Post('sandbox/:channelId')
  @WebhookRoute('sandbox', 'callback')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Callbacks the sandbox provider posts to itself (public; signed like Sinch)' })
  @ApiBody(JSON_CALLBACK)
  @ApiOkResponse({ type: WebhookAcceptedDto })
  @ApiErrorResponses(...ERRORS)
  sandbox(@Webhook() webhook: AuthenticatedWebhook): Promise<WebhookAcceptedDto> {
    return this.intake.accept(webhook);
  }
}
