import type { NextFunction, Request, Response } from 'express';

import type { MetricsService } from './metrics.service.js';

/** Times every request and labels it with the route pattern (not the raw URL, which has ids in it). */
export function httpMetricsMiddleware(metrics: MetricsService) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const stopTimer = metrics.httpRequestDuration.startTimer();
    response.once('finish', () => {
      const routePath = (request.route as { path?: unknown } | undefined)?.path;
      const route = typeof routePath === 'string' ? `${request.baseUrl}${routePath}` : 'unmatched';
      stopTimer({ method: request.method, route, status_code: String(response.statusCode) });
    });
    next();
  };
}
