import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/decorators/current-user.decorator.js';
import { AcceptsQueryToken } from '../auth/decorators/query-token.decorator.js';
import { ValidationError } from '../common/errors/domain-error.js';
import { ApiErrorResponses } from '../common/http/api-error-responses.decorator.js';
import { PaginationQueryDto } from '../common/pagination/pagination-query.dto.js';
import { ConversationsService } from './conversations.service.js';
import {
  ConversationDto,
  ConversationPageDto,
  ListConversationsQueryDto,
  ReplyDto,
  UpdateConversationDto,
} from './dto/conversation.dto.js';
import { MessageDto, MessagePageDto, SendMessageResultDto } from './dto/message.dto.js';
import { InboxStream } from './inbox-stream.js';
import { ConversationWorkflowService } from './conversation-workflow.service.js';
import { replyContentFrom } from './message-content.js';
import { MessagesService } from './messages.service.js';

@ApiTags('conversations')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('conversations')
export class ConversationsController {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly messages: MessagesService,
    private readonly stream: InboxStream,
    private readonly workflow: ConversationWorkflowService,
  ) {}

  // Declared before `:id` so that "stream" is not taken for an id.
  @Get('stream')
  @AcceptsQueryToken()
  @ApiOperation({
    summary: 'Live inbox updates (Server-Sent Events)',
    description:
      'Events `message.created`, `message.status`, `conversation.updated` (also for assignment, status and snooze ' +
      'changes) and `note.created`, each with the JSON object as `data` ' +
      'and its log id as `id`, from every instance; a comment line every 15 s keeps proxies from closing the stream. ' +
      'A client reconnecting with `Last-Event-ID` (or `?lastEventId=`) first receives, in order, every event after it ' +
      'still kept (at least 15 minutes), then live ones. The token may also be given as `?access_token=` (for EventSource).',
  })
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'The `id` of the last event received; browsers send it when they reconnect by themselves',
  })
  @ApiQuery({
    name: 'lastEventId',
    required: false,
    type: String,
    description: 'Same as the `Last-Event-ID` header, for clients that cannot set it',
    example: '1042',
  })
  @ApiQuery({
    name: 'access_token',
    required: false,
    description: 'Access token, for clients that cannot set headers',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'An event stream',
    schema: { type: 'string', example: 'event: message.created\ndata: {"id":"…"}\n\n' },
  })
  @ApiErrorResponses(400)
  events(@Req() request: Request, @Res() response: Response): void {
    this.stream.open(request, response, lastEventIdOf(request));
  }

  @Get()
  @ApiOperation({
    summary: 'The inbox: conversations with the newest activity first',
    description:
      'Every status unless `?status` is given; `?assigneeId=me` the caller’s, `none` the unassigned ones.',
  })
  @ApiOkResponse({ type: ConversationPageDto })
  @ApiErrorResponses(400)
  list(
    @Query() query: ListConversationsQueryDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ConversationPageDto> {
    const assigneeId =
      query.assigneeId === 'me' ? user.id : query.assigneeId === 'none' ? null : query.assigneeId;
    return this.conversations.list(
      { status: query.status, channelId: query.channelId, search: query.search, assigneeId },
      query.limit,
      query.cursor,
    );
  }

  @Get(':id')
  @ApiOperation({ summary: 'One conversation' })
  @ApiOkResponse({ type: ConversationDto })
  @ApiErrorResponses(400, 404)
  get(@Param('id', ParseUUIDPipe) id: string): Promise<ConversationDto> {
    return this.conversations.get(id);
  }

  @Get(':id/messages')
  @ApiOperation({
    summary: 'The thread, a page at a time going back in time',
    description:
      'The first page holds the newest messages; items within a page are oldest first; `nextCursor` goes further back.',
  })
  @ApiOkResponse({ type: MessagePageDto })
  @ApiErrorResponses(400, 404)
  async thread(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: PaginationQueryDto,
  ): Promise<MessagePageDto> {
    const page = await this.messages.thread(id, query.limit, query.cursor);
    return { items: page.items.map((message) => MessageDto.from(message)), nextCursor: page.nextCursor };
  }

  @Post(':id/messages')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Reply in the conversation',
    description:
      'Same rules as POST /messages: 403 when the contact opted out, 422 outside the WhatsApp 24-hour window (send a template). ' +
      'With `cannedResponseId` the canned response is sent as text, its placeholders filled for the contact (404 for an unknown one).',
  })
  @ApiAcceptedResponse({ type: SendMessageResultDto })
  @ApiErrorResponses(400, 403, 404, 409, 422)
  reply(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: ReplyDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<SendMessageResultDto> {
    return this.messages.reply(id, replyContentFrom(body), user.id);
  }

  @Post(':id/read')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Mark the conversation read (unread count to 0)' })
  @ApiNoContentResponse({ description: 'Marked read' })
  @ApiErrorResponses(400, 404)
  async markRead(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.conversations.markRead(id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Assign, snooze, close, reopen or archive the conversation',
    description:
      '`assigneeId` must be an active user (400), `null` unassigns. Agents may take an unassigned conversation or ' +
      "unassign their own; assigning a colleague or reassigning someone else's conversation is for admins (403). " +
      '`status: "snoozed"` needs a future `snoozedUntil` (400); the conversation reopens by itself then, or when ' +
      'the contact writes. `conversation.updated` on the stream.',
  })
  @ApiOkResponse({ type: ConversationDto })
  @ApiErrorResponses(400, 403, 404)
  update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateConversationDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ConversationDto> {
    return this.workflow.update(
      id,
      {
        status: body.status,
        assigneeId: body.assigneeId,
        snoozedUntil:
          body.snoozedUntil === undefined || body.snoozedUntil === null
            ? body.snoozedUntil
            : new Date(body.snoozedUntil),
      },
      user,
    );
  }
}

/** `Last-Event-ID` or `?lastEventId=`: a non-negative integer, or undefined when neither is given. */
function lastEventIdOf(request: Request): number | undefined {
  const query = request.query.lastEventId;
  const raw = request.header('last-event-id') ?? (typeof query === 'string' ? query : undefined);
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,15}$/.test(raw.trim()))
    throw ValidationError.forField('lastEventId', 'must be the id of an event (a non-negative integer)');
  return Number(raw.trim());
}
