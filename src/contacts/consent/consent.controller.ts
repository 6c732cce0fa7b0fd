import { Readable } from 'node:stream';

import { Controller, Get, Header, Param, ParseUUIDPipe, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';

import { Roles } from '../../auth/decorators/roles.decorator.js';
import { ApiErrorResponses } from '../../common/http/api-error-responses.decorator.js';
import { ConsentEventDto, ConsentExportQueryDto } from './consent.dto.js';
import { CONSENT_CSV_HEADER, consentCsvLines } from './consent-csv.js';
import { ConsentLedgerService } from './consent-ledger.service.js';

@ApiTags('contacts')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller()
export class ConsentController {
  constructor(private readonly ledger: ConsentLedgerService) {}

  @Get('contacts/:id/consent')
  @ApiOperation({
    summary: "A contact's consent history",
    description: 'Every opt-out and opt-in, oldest first; append-only.',
  })
  @ApiOkResponse({ type: [ConsentEventDto] })
  @ApiErrorResponses(400, 404)
  async history(@Param('id', ParseUUIDPipe) id: string): Promise<ConsentEventDto[]> {
    return (await this.ledger.history(id)).map((row) => ConsentEventDto.from(row));
  }

  @Get('consent/export')
  @Roles('admin')
  @Header('Cache-Control', 'no-store')
  @Header('Content-Disposition', 'attachment; filename="consent.csv"')
  @ApiOperation({
    summary: 'Export the consent ledger as CSV, for an audit',
    description: `Streamed, oldest first; \`from\` inclusive, \`to\` exclusive. Columns: ${CONSENT_CSV_HEADER}. An erased contact's phone is empty.`,
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'CSV with a header row',
    schema: {
      type: 'string',
      example: `${CONSENT_CSV_HEADER}\n6a1f4f0e-2f7e-4b8e-9a55-0c1d2e3f4a5b,+14155550100,opt_out,keyword,0b9e3b5e-4a0f-4d3c-9f0e-2d6c1a7b8c9d,STOP,5f2b8c1e-3d4a-4b6c-8e9f-0a1b2c3d4e5f,,2026-11-23T08:00:00.000Z\n`,
    },
  })
  @ApiErrorResponses(400)
  export(@Query() query: ConsentExportQueryDto): StreamableFile {
    const pages = this.ledger.between(
      query.from ? new Date(query.from) : undefined,
      query.to ? new Date(query.to) : undefined,
    );
    return new StreamableFile(Readable.from(consentCsvLines(pages)), { type: 'text/csv; charset=utf-8' });
  }
}
