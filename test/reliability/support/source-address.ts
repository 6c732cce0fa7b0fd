import { request } from 'node:http';

export interface JsonAnswer {
  status: number;
  json: unknown;
  requestId: string | undefined;
}

/**
 * Posts JSON from a chosen loopback address (127.0.0.0/8 is all local on Linux), so a test can
 * play many clients, as a password spray from many machines would.
 */
export function postJsonFrom(
  localAddress: string,
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<JsonAnswer> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: 'POST',
        localAddress,
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          ...headers,
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          const requestId = response.headers['x-request-id'];
          resolve({
            status: response.statusCode ?? 0,
            json: JSON.parse(text) as unknown,
            requestId: typeof requestId === 'string' ? requestId : undefined,
          });
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}
