import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type { Request } from 'express';
import type { Observable } from 'rxjs';

import { UnsupportedMediaTypeError } from '../errors/domain-error.js';

/** Whether a route handler takes a `@Body()`: Nest keys its parameter metadata `${type}:${index}`. */
function takesBody(context: ExecutionContext): boolean {
  const params = Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), context.getHandler().name) as
    Record<string, unknown> | undefined;
  return Object.keys(params ?? {}).some((key) => key.split(':')[0] === String(RouteParamtypes.BODY));
}

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * A JSON route sent a body of another type (`curl -d` without a Content-Type sends a form) would
 * otherwise answer with a list of validation errors about fields that were there: say what is wrong.
 * Routes that read another type (the CSV import, provider webhooks) read the request themselves and
 * take no `@Body()`.
 */
@Injectable()
export class JsonContentTypeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http' && takesBody(context)) {
      const request = context.switchToHttp().getRequest<Request>();
      if (hasBody(request) && !request.is('application/json')) {
        throw new UnsupportedMediaTypeError(
          'This route takes a JSON body: send Content-Type: application/json',
        );
      }
    }
    return next.handle();
  }
}
