import { Controller, Get, Header, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiProperty, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Response } from 'express';

import { Public } from '../auth/decorators/public.decorator.js';
import { UnavailableError } from '../common/errors/domain-error.js';
import { ApiErrorResponses } from '../common/http/api-error-responses.decorator.js';
import { MetricsService } from './metrics.service.js';

class LiveDto {
  @ApiProperty({ example: 'ok' })
  status!: 'ok';
}

class ReadyDto {
  @ApiProperty({ example: 'ok' })
  status!: 'ok';

  @ApiProperty({ example: 'up' })
  database!: 'up';
}

@ApiTags('operations')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly metrics: MetricsService,
  ) {}

  @Get('health/live')
  @ApiOperation({ summary: 'Liveness: 200 while the process runs' })
  @ApiOkResponse({ type: LiveDto })
  live(): LiveDto {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @ApiOperation({ summary: 'Readiness: 200 when the database answers, else 503' })
  @ApiOkResponse({ type: ReadyDto })
  @ApiErrorResponses(503)
  async ready(): Promise<ReadyDto> {
    try {
      await this.health.check([() => this.database.pingCheck('database').withTimeout(2000)]);
    } catch (error) {
      if (error instanceof ServiceUnavailableException)
        throw new UnavailableError('Database is not answering');
      throw error;
    }
    return { status: 'ok', database: 'up' };
  }

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format)' })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text format',
    schema: {
      type: 'string',
      example:
        'http_request_duration_seconds_bucket{le="0.005",method="GET",route="/health/live",status_code="200"} 1',
    },
  })
  async render(@Res({ passthrough: true }) response: Response): Promise<string> {
    response.type(this.metrics.contentType);
    return this.metrics.render();
  }
}
