import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import type { AuthenticatedUser } from '../../auth/authenticated-user.js';
import { CurrentUser } from '../../auth/decorators/current-user.decorator.js';
import { ApiErrorResponses } from '../../common/http/api-error-responses.decorator.js';
import { PaginationQueryDto } from '../../common/pagination/pagination-query.dto.js';
import { ConversationNotesService } from './conversation-notes.service.js';
import { CreateNoteDto, NoteDto, NotePageDto } from './note.dto.js';

@ApiTags('conversations')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('conversations/:id/notes')
export class ConversationNotesController {
  constructor(private readonly notes: ConversationNotesService) {}

  @Post()
  @ApiOperation({
    summary: 'Leave an internal note',
    description:
      'For the team only: never sent to the contact, not counted as unread; `note.created` on the stream.',
  })
  @ApiCreatedResponse({ type: NoteDto })
  @ApiErrorResponses(400, 404)
  create(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: CreateNoteDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<NoteDto> {
    return this.notes.create(id, user.id, body.text);
  }

  @Get()
  @ApiOperation({ summary: 'The internal notes, oldest first' })
  @ApiOkResponse({ type: NotePageDto })
  @ApiErrorResponses(400, 404)
  list(@Param('id', ParseUUIDPipe) id: string, @Query() query: PaginationQueryDto): Promise<NotePageDto> {
    return this.notes.list(id, query.limit, query.cursor);
  }
}
