import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

import { PayloadTooLargeException } from '@nestjs/common';
import busboy from 'busboy';

import { ValidationError } from '../../common/errors/domain-error.js';

export interface UploadOptions {
  /** The multipart field that carries the file; other parts are ignored. */
  field: string;
  maxBytes: number;
}

/** Room for the multipart boundaries and part headers around the file itself. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/**
 * Streams one file out of a `multipart/form-data` request into `handle`, without buffering it:
 * `handle` reads the file at its own pace and the upload waits for it. Answers 400 (naming the
 * field) for another content type, a malformed form or a missing file, and 413 when the file is
 * larger than `maxBytes` (at once when Content-Length says so, otherwise when that many bytes have
 * arrived). After a failure the rest of the upload is discarded and the connection closed.
 */
export function handleUploadedFile<T>(
  request: IncomingMessage,
  response: ServerResponse,
  options: UploadOptions,
  handle: (file: Readable) => Promise<T>,
): Promise<T> {
  // No domain error code means 413, and this is transport, not domain: Nest's exception keeps its status through the filter.
  const tooLarge = () =>
    new PayloadTooLargeException(
      `The file is larger than ${Math.round(options.maxBytes / (1024 * 1024))} MiB`,
    );
  // The client learns why from the response; whatever it still sends is discarded, then the connection ends.
  const stopReading = () => {
    response.setHeader('Connection', 'close');
    request.resume();
  };

  if (Number(request.headers['content-length']) > options.maxBytes + MULTIPART_OVERHEAD_BYTES) {
    stopReading();
    return Promise.reject(tooLarge());
  }
  let form: busboy.Busboy;
  try {
    form = busboy({
      headers: request.headers,
      limits: { files: 5, fileSize: options.maxBytes, fields: 20, parts: 40 },
    });
  } catch {
    stopReading();
    return Promise.reject(ValidationError.forField(options.field, 'must be uploaded as multipart/form-data'));
  }

  return new Promise<T>((resolve, reject) => {
    let handling: Promise<T> | undefined;
    let file: Readable | undefined;
    let settled = false;
    const succeed = (value: T) => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    const failWith = (error: unknown) => {
      if (settled) return;
      settled = true;
      request.unpipe(form);
      form.destroy();
      // Ends `handle` too: its reads fail instead of waiting for data that will not come.
      file?.destroy(new Error('The upload was stopped'));
      stopReading();
      reject(error instanceof Error ? error : new Error('The upload failed', { cause: error }));
    };

    form.on('file', (name, stream) => {
      // Stopping the form destroys its file streams with an error; the outcome is reported once, here.
      stream.on('error', () => undefined);
      if (name !== options.field || handling) {
        stream.resume();
        return;
      }
      file = stream;
      // busboy is still inside its own write when it announces the limit: stop it after that returns.
      stream.once('limit', () => process.nextTick(() => failWith(tooLarge())));
      handling = handle(stream);
      handling.catch(failWith);
    });
    form.on('error', (error: Error) =>
      failWith(
        ValidationError.forField(
          options.field,
          `could not be read from the multipart form (${error.message})`,
        ),
      ),
    );
    form.on('close', () => {
      if (!handling) {
        failWith(
          ValidationError.forField(
            options.field,
            `is required: send the file as the multipart field "${options.field}"`,
          ),
        );
        return;
      }
      handling.then(succeed, failWith);
    });
    request.on('close', () => {
      if (!request.complete) failWith(new Error('The client aborted the upload'));
    });
    request.pipe(form);
  });
}
