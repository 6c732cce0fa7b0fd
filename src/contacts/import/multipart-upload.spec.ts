import { once } from 'node:events';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';

import { PayloadTooLargeException } from '@nestjs/common';

import { ValidationError } from '../../common/errors/domain-error.js';
import { handleUploadedFile } from './multipart-upload.js';

const BOUNDARY = 'test-boundary';
const MAX_BYTES = 10_000;

/** Reads the whole file, as the CSV import does, and returns its size. */
const countBytes = async (file: Readable) => {
  let size = 0;
  for await (const chunk of file) size += (chunk as Buffer).length;
  return size;
};

describe('handleUploadedFile', () => {
  let server: Server;
  let outcome: Promise<unknown>;
  let handler: (file: Readable) => Promise<unknown>;

  beforeAll(async () => {
    server = createServer((request, response) => {
      outcome = handleUploadedFile(request, response, { field: 'file', maxBytes: MAX_BYTES }, (file) =>
        handler(file),
      );
      outcome.then(
        (value) => response.end(JSON.stringify(value)),
        (error: unknown) => {
          response.statusCode = error instanceof PayloadTooLargeException ? 413 : 400;
          response.end();
        },
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    handler = countBytes;
  });

  /** Sends a multipart body in pieces (chunked, no Content-Length) and returns the status. */
  const post = async (parts: string[], contentType = `multipart/form-data; boundary=${BOUNDARY}`) => {
    const { port } = server.address() as AddressInfo;
    const request = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/',
      headers: { 'Content-Type': contentType },
    });
    request.on('error', () => undefined);
    const responded = once(request, 'response').then(
      ([response]) => (response as { statusCode: number }).statusCode,
    );
    for (const part of parts) request.write(part);
    request.end();
    return responded;
  };
  const filePart = (field: string, content: string) =>
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="f.csv"\r\nContent-Type: text/csv\r\n\r\n${content}\r\n`;
  const end = `--${BOUNDARY}--\r\n`;

  it('hands the named file to the handler and resolves with its result, ignoring other parts', async () => {
    const status = await post([filePart('other', 'ignored'), filePart('file', 'x'.repeat(5000)), end]);

    expect(status).toBe(200);
    await expect(outcome).resolves.toBe(5000);
  });

  it('refuses a form without the file, naming the field', async () => {
    expect(await post([filePart('other', 'x'), end])).toBe(400);
    const error = await outcome.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toEqual([
      { field: 'file', messages: [expect.stringMatching(/is required/)] },
    ]);
  });

  it('refuses another content type', async () => {
    expect(await post(['phone\n'], 'text/csv')).toBe(400);
    await expect(outcome).rejects.toThrow(/multipart\/form-data/);
  });

  it('stops a streamed file at the size limit with 413, even while the handler is still reading', async () => {
    handler = async (file) => {
      await countBytes(file);
      return 'never reached';
    };

    const status = await post([
      filePart('file', ''),
      ...Array.from({ length: 30 }, () => 'y'.repeat(1000)),
      end,
    ]);

    expect(status).toBe(413);
    await expect(outcome).rejects.toBeInstanceOf(PayloadTooLargeException);
  });

  it('fails when the client goes away mid-upload, and the handler stops waiting', async () => {
    let handlerSettled = false;
    handler = (file) => countBytes(file).finally(() => (handlerSettled = true));
    const { port } = server.address() as AddressInfo;
    const request = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/',
      headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` },
    });
    request.on('error', () => undefined);
    // The server's own handler runs first, so `outcome` is this request's once this resolves.
    const arrived = once(server, 'request');
    request.write(filePart('file', '').slice(0, -2) + 'z'.repeat(2000));
    await arrived;

    request.destroy();

    await expect(outcome).rejects.toThrow(/aborted/);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(handlerSettled).toBe(true);
  });

  it('fails with the handler’s error and still answers', async () => {
    handler = () => Promise.reject(new ValidationError('bad file'));

    expect(await post([filePart('file', 'phone\n'), end])).toBe(400);
    await expect(outcome).rejects.toThrow('bad file');
  });
});
