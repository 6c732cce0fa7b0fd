import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/decorators/current-user.decorator.js';
import { ApiErrorResponses } from '../common/http/api-error-responses.decorator.js';
import { MessageDto, SendMessageResultDto } from './dto/message.dto.js';
import { SendMessageDto } from './dto/send-message.dto.js';
import { contentFrom } from './message-content.js';
import { MessagesService } from './messages.service.js';

@ApiTags('messages')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Send one message',
    description:
      'Give exactly one of `text`, `template` and `media`. The contact and conversation are created when new. ' +
      '403 when the contact opted out; 409 when the channel is disabled; 422 for a free-form WhatsApp message outside ' +
      'the 24-hour window (send a template) or content the channel cannot carry.',
  })
  @ApiAcceptedResponse({ type: SendMessageResultDto })
  @ApiErrorResponses(400, 403, 404, 409, 422)
  send(@Body() body: SendMessageDto, @CurrentUser() user: AuthenticatedUser): Promise<SendMessageResultDto> {
    return this.messages.send({
      channelId: body.channelId,
      to: body.to,
      defaultCountry: body.defaultCountry,
      content: contentFrom(body),
      sentByUserId: user.id,
    });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One message with its delivery status' })
  @ApiOkResponse({ type: MessageDto })
  @ApiErrorResponses(400, 404)
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<MessageDto> {
    return MessageDto.from(await this.messages.get(id));
  }
}
