import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const REQUEST_ID_HEADER = 'x-request-id';
/** An incoming id is echoed only when it is short and printable, so it cannot forge log lines. */
const ACCEPTABLE_REQUEST_ID = /^[\w.:@-]{1,128}$/;

type RequestWithId = IncomingMessage & { id?: unknown };

/** Used as pino-http's `genReqId`: keep the id already assigned, else reuse a sane incoming one or mint one. */
export function assignRequestId(request: RequestWithId, response: ServerResponse): string {
  if (typeof request.id === 'string') return request.id;
  const incoming = request.headers[REQUEST_ID_HEADER];
  const id = typeof incoming === 'string' && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  response.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/** The first middleware: every response, errors from the body parsers included, carries the id. */
export function requestIdMiddleware(
  request: RequestWithId,
  response: ServerResponse,
  next: () => void,
): void {
  request.id = assignRequestId(request, response);
  next();
}

export function requestIdOf(request: RequestWithId): string {
  const id = request.id;
  return typeof id === 'string' ? id : typeof id === 'number' ? String(id) : '';
}
