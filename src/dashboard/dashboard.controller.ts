import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { Roles } from '../auth/decorators/roles.decorator.js';
import { ApiErrorResponses } from '../common/http/api-error-responses.decorator.js';
import { DashboardService } from './dashboard.service.js';
import { DashboardDto } from './dto/dashboard.dto.js';

@ApiTags('dashboard')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('dashboard')
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get()
  @Roles('admin')
  @ApiOperation({
    summary: 'The admin home page figures (admin)',
    description:
      'Messages sent, delivered, failed and received today and on each of the last seven days (UTC), per channel with its delivery rate, and the campaigns in flight with their progress. Counts are by the day a message was created and what became of it.',
  })
  @ApiOkResponse({ type: DashboardDto })
  async get(): Promise<DashboardDto> {
    return DashboardDto.from(await this.dashboard.figures());
  }
}
