import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';

import pino from 'pino';

import { requestIdMiddleware } from '../common/http/request-id.js';
import { AppLogger } from './app-logger.js';
import { REDACTED_PATHS } from './logger-options.js';

interface Line {
  level: number;
  msg: string;
  req?: { id: string; method: string; url: string };
  res?: { statusCode: number };
}

/** The request middleware in front of a handler, on a real HTTP server, logging into `lines`. */
async function serve(level: string, handler: (logger: AppLogger, status: (code: number) => void) => void) {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Line);
      done();
    },
  });
  const logger = new AppLogger(
    pino({ level, redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' } }, stream),
  );
  const middleware = logger.requestMiddleware();
  const server: Server = createServer((request, response) =>
    requestIdMiddleware(request, response, () =>
      middleware(request, response, () =>
        handler(logger, (code) => {
          response.statusCode = code;
          response.end('{}');
        }),
      ),
    ),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = async (path: string) => {
    const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'x-request-id': 'req-1' } });
    await response.text();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { lines, post, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('AppLogger request lines', () => {
  const callback = '/api/v1/webhooks/sinch-sms/1b3c5d7e-0000-4000-8000-000000000001/secret-token';

  it("logs a refused provider callback at warn with its request, the path's token masked", async () => {
    const app = await serve('info', (_logger, answer) => answer(401));
    await app.post(callback);
    await app.close();

    expect(app.lines).toHaveLength(1);
    expect(app.lines[0]).toMatchObject({
      level: 40,
      msg: 'request completed',
      req: {
        id: 'req-1',
        method: 'POST',
        url: '/api/v1/webhooks/sinch-sms/1b3c5d7e-0000-4000-8000-000000000001/[REDACTED]',
      },
      res: { statusCode: 401 },
    });
  });

  it('logs an accepted provider callback only at debug', async () => {
    const quiet = await serve('info', (_logger, answer) => answer(200));
    await quiet.post(callback);
    await quiet.close();
    expect(quiet.lines).toEqual([]);

    const verbose = await serve('debug', (_logger, answer) => answer(200));
    await verbose.post(callback);
    await verbose.close();
    expect(verbose.lines).toEqual([expect.objectContaining({ level: 20, res: { statusCode: 200 } })]);
  });

  it("gives what a handler logs the request's id, for callbacks and other requests alike", async () => {
    const app = await serve('info', (logger, answer) => {
      logger.warn('Something to look at', 'Handler');
      answer(200);
    });
    await app.post(callback);
    await app.post('/api/v1/messages');
    await app.close();

    const handlerLines = app.lines.filter((line) => line.msg === 'Something to look at');
    expect(handlerLines).toHaveLength(2);
    for (const line of handlerLines) expect(line.req?.id).toBe('req-1');
  });
});
