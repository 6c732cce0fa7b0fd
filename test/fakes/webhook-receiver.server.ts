import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** What the receiver does with a request: answer with a status and body, or never answer. */
export type ReceiverAnswer = { status: number; body?: string } | 'hang';

/**
 * A business's system receiving event webhooks: records every request (raw body and headers, to
 * verify signatures) and answers as told, by default 200.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const webhook = {
        path: request.url ?? '/',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      this.received.push(webhook);
      this.respond(this.answer(webhook), response);
    });
  });
  private readonly hanging: ServerResponse[] = [];

  constructor(private answer: (webhook: ReceivedWebhook) => ReceiverAnswer = () => ({ status: 200 })) {}

  answerWith(answer: (webhook: ReceivedWebhook) => ReceiverAnswer): void {
    this.answer = answer;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    for (const response of this.hanging.splice(0)) response.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private respond(answer: ReceiverAnswer, response: ServerResponse): void {
    if (answer === 'hang') {
      this.hanging.push(response);
      return;
    }
    response.writeHead(answer.status, { 'content-type': 'text/plain' });
    response.end(answer.body ?? 'ok');
  }
}
