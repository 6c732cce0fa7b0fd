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
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';

import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/decorators/current-user.decorator.js';
import { ErrorBodyDto } from '../common/errors/error-body.dto.js';
import { ApiErrorResponses } from '../common/http/api-error-responses.decorator.js';
import { ContactsService } from './contacts.service.js';
import { ContactDto, ContactPageDto } from './dto/contact.dto.js';
import { CreateContactDto } from './dto/create-contact.dto.js';
import { ImportContactsQueryDto, ImportResultDto } from './dto/import-contacts.dto.js';
import { ListContactsQueryDto } from './dto/list-contacts-query.dto.js';
import { UpdateContactDto } from './dto/update-contact.dto.js';
import { ContactsImportService, MAX_LISTED_REJECTIONS } from './import/contacts-import.service.js';
import { handleUploadedFile } from './import/multipart-upload.js';

/** Large enough for millions of contacts; the import streams, so the size costs time, not memory. */
const IMPORT_MAX_FILE_BYTES = 200 * 1024 * 1024;

@ApiTags('contacts')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('contacts')
export class ContactsController {
  constructor(
    private readonly contacts: ContactsService,
    private readonly imports: ContactsImportService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Create a contact',
    description:
      'The phone may be written in any common form (add `defaultCountry` for national numbers) and is stored as E.164.',
  })
  @ApiCreatedResponse({ type: ContactDto })
  @ApiErrorResponses(400, 409)
  async create(@Body() body: CreateContactDto): Promise<ContactDto> {
    return ContactDto.from(await this.contacts.create(body));
  }

  @Get()
  @ApiOperation({
    summary: 'List contacts, newest first',
    description: 'Filters combine; erased contacts are never listed.',
  })
  @ApiOkResponse({ type: ContactPageDto })
  @ApiErrorResponses(400)
  async list(@Query() query: ListContactsQueryDto): Promise<ContactPageDto> {
    const { limit, cursor, ...filter } = query;
    const page = await this.contacts.list(filter, limit, cursor);
    return { items: page.items.map((contact) => ContactDto.from(contact)), nextCursor: page.nextCursor };
  }

  @Post('import')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Import contacts from a CSV file',
    description:
      'Multipart field `file`: a CSV whose header row names the columns `phone` (required), `name`, `firstName`, `lastName`, ' +
      '`tags` (separated by `;`) and any other column as an attribute. A row whose phone exists updates that contact: ' +
      'non-empty cells overwrite, tags given replace the stored ones, attributes given are merged in; empty cells change nothing. ' +
      'The file is streamed and written in chunks, so its size is limited only to 200 MiB; chunks written before a failure stay written. ' +
      `Rejected lines come back with their line number (the header is line 1) and the reason; the first ${MAX_LISTED_REJECTIONS} are listed, ` +
      '`rejectedCount` counts all. A duplicate phone keeps its first line. A header without `phone` rejects line 1 and imports nothing.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary', description: 'CSV, UTF-8, header row first' } },
    },
  })
  @ApiOkResponse({ type: ImportResultDto })
  @ApiErrorResponses(400)
  @ApiResponse({ status: 413, description: 'File larger than 200 MiB', type: ErrorBodyDto })
  importCsv(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Query() query: ImportContactsQueryDto,
  ): Promise<ImportResultDto> {
    return handleUploadedFile(request, response, { field: 'file', maxBytes: IMPORT_MAX_FILE_BYTES }, (file) =>
      this.imports.importCsv(file, { defaultCountry: query.defaultCountry }),
    );
  }

  @Get(':id')
  @ApiOperation({ summary: 'One contact' })
  @ApiOkResponse({ type: ContactDto })
  @ApiErrorResponses(400, 404)
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<ContactDto> {
    return ContactDto.from(await this.contacts.getActive(id));
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a contact',
    description:
      'Omitted fields keep their values; `attributes` and `tags` replace the stored ones; a new phone is normalised (409 if another contact has it).',
  })
  @ApiOkResponse({ type: ContactDto })
  @ApiErrorResponses(400, 404, 409)
  async update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateContactDto): Promise<ContactDto> {
    return ContactDto.from(await this.contacts.update(id, body));
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Erase a contact',
    description:
      'Erases the personal data (phone, names, attributes, tags) and hides the contact; its messages stay for the counts. The phone can be used by a new contact.',
  })
  @ApiNoContentResponse({ description: 'Erased' })
  @ApiErrorResponses(400, 404)
  async erase(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.contacts.erase(id);
  }

  @Post(':id/opt-out')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Opt a contact out of messages on every channel' })
  @ApiOkResponse({ type: ContactDto })
  @ApiErrorResponses(400, 404)
  async optOut(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ContactDto> {
    return ContactDto.from(await this.contacts.changeConsent(id, true, { source: 'api', userId: user.id }));
  }

  @Post(':id/opt-in')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Opt a contact back in' })
  @ApiOkResponse({ type: ContactDto })
  @ApiErrorResponses(400, 404)
  async optIn(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ContactDto> {
    return ContactDto.from(await this.contacts.changeConsent(id, false, { source: 'api', userId: user.id }));
  }
}
