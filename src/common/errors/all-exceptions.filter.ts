import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';

import { requestIdOf } from '../http/request-id.js';
import { DomainError, ErrorCode, type FieldError } from './domain-error.js';
import type { ErrorBodyDto } from './error-body.dto.js';
import { statusForErrorCode } from './error-status.js';

const REASON_PHRASES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * PostgreSQL errors that mean "the database is not reachable right now": connection exceptions
 * (08), shutdown (57P01-03), resources (53), and 55000 as sent for a database refusing connections.
 */
const UNAVAILABLE_SQLSTATE = /^(08|57P0[1-3]|53|55000$)/;
const NETWORK_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

/**
 * The one place where errors become HTTP responses. Domain errors carry their own status; Nest's
 * HTTP exceptions keep theirs; anything else is a 500 whose details go to the log, never the body.
 */
// Statuses here are plain numbers: HttpException and our codes map to any status, not only HttpStatus's.
const SERVICE_UNAVAILABLE: number = HttpStatus.SERVICE_UNAVAILABLE;

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const { status, message, details } = this.describe(exception);

    if (status >= 500 && status !== SERVICE_UNAVAILABLE) {
      this.logger.error({ err: exception, requestId: requestIdOf(request) }, 'Unhandled error');
    } else if (status === SERVICE_UNAVAILABLE) {
      this.logger.warn({ err: errorSummary(exception), requestId: requestIdOf(request) }, message);
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    const body: ErrorBodyDto = {
      statusCode: status,
      error: REASON_PHRASES[status] ?? 'Error',
      message,
      ...(details ? { details } : {}),
      requestId: requestIdOf(request),
    };
    response.status(status).json(body);
  }

  private describe(exception: unknown): { status: number; message: string; details?: FieldError[] } {
    if (exception instanceof DomainError) {
      return {
        status: statusForErrorCode(exception.code),
        message: exception.message,
        details: exception.details,
      };
    }
    if (exception instanceof HttpException) {
      return { status: exception.getStatus(), message: httpExceptionMessage(exception) };
    }
    if (isDatabaseUnavailable(exception)) {
      return {
        status: statusForErrorCode(ErrorCode.Unavailable),
        message: 'Database unavailable, retry later',
      };
    }
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Internal server error' };
  }
}

function httpExceptionMessage(exception: HttpException): string {
  // The parser's own messages quote the bytes around the error, which can be a password or a token.
  const cause = (exception as { cause?: unknown }).cause;
  const causeName =
    typeof cause === 'object' && cause !== null ? (cause as { name?: unknown }).name : undefined;
  if (causeName === 'SyntaxError') return 'Malformed JSON body';
  if (causeName === 'URIError') return 'Malformed URL encoding';
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

function isDatabaseUnavailable(exception: unknown): boolean {
  // Duck-typed: errors raised by Node's own sockets need not share this realm's Error class.
  if (typeof exception !== 'object' || exception === null) return false;
  const cause = exception instanceof QueryFailedError ? (exception.driverError as unknown) : exception;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || NETWORK_ERRORS.has(code))) return true;
  const message = (exception as { message?: unknown }).message;
  return (
    typeof message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|not currently accepting connections/i.test(
      message,
    )
  );
}

/**
 * What of an unexpected error goes to the log: never a failed query's text or parameters, which
 * can hold phone numbers, message text or a channel's webhook token.
 */

function errorSummary(exception: unknown): string {
  return exception instanceof Error ? `${exception.name}: ${exception.message}` : String(exception);
}
