import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

import { PageDto } from '../../common/pagination/page.js';
import type { ConversationNote } from './conversation-note.entity.js';

export class CreateNoteDto {
  @ApiProperty({ example: 'Called her back; the parcel left the depot this morning.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  text!: string;
}

export class NoteDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty({ format: 'uuid', description: 'The user who wrote it' })
  authorId!: string;

  @ApiProperty({ example: 'Called her back; the parcel left the depot this morning.' })
  text!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  static from(note: ConversationNote): NoteDto {
    return {
      id: note.id,
      conversationId: note.conversationId,
      authorId: note.authorId,
      text: note.text,
      createdAt: note.createdAt.toISOString(),
    };
  }
}

export class NotePageDto extends PageDto(NoteDto) {}
