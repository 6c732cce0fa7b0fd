/**
 * A minimal, fast stand-in for the Sinch SMS REST API, for benchmarks only (the faithful fake for
 * tests is test/fakes/fake-sinch-sms.server.ts). Run it in its own process (bench/dispatch.ts forks
 * it): `POST /xms/v1/:plan/batches` → 201 with a batch id, `GET /xms/v1/:plan/batches` → an empty
 * page. It counts batches and recipients and reports them over IPC on {type:'stats'}.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

const BATCHES = /^\/xms\/v1\/[^/]+\/batches(?:\?.*)?$/;

let batches = 0;
let recipients = 0;
let rejected = 0;
let firstAt = 0;
let lastAt = 0;
const references = new Set<string>();
let duplicateReferences = 0;
/** Recipients per wall-clock second, for benchmarks that check a sending limit. */
const perSecond: Record<string, number> = {};

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function handle(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
  const url = req.url ?? '/';
  if (!BATCHES.test(url)) return reply(res, 404, { code: 'not_found', text: `No route ${url}` });
  if (req.method === 'GET') return reply(res, 200, { count: 0, page: 0, page_size: 0, batches: [] });
  if (req.method !== 'POST') return reply(res, 405, { code: 'method_not_allowed', text: req.method ?? '' });

  let body: { to?: unknown; client_reference?: unknown };
  try {
    body = JSON.parse(raw.toString('utf8')) as typeof body;
  } catch {
    rejected += 1;
    return reply(res, 400, { code: 'syntax_invalid_json', text: 'Invalid JSON' });
  }
  const to = Array.isArray(body.to) ? body.to : [];
  if (to.length < 1 || to.length > 1000) {
    rejected += 1;
    return reply(res, 400, {
      code: 'syntax_constraint_violation',
      text: 'to must hold 1 to 1000 recipients',
    });
  }
  const now = Date.now();
  if (firstAt === 0) firstAt = now;
  lastAt = now;
  batches += 1;
  recipients += to.length;
  const second = String(Math.floor(now / 1000));
  perSecond[second] = (perSecond[second] ?? 0) + to.length;
  if (typeof body.client_reference === 'string') {
    if (references.has(body.client_reference)) duplicateReferences += 1;
    else references.add(body.client_reference);
  }
  const id = randomBytes(13).toString('hex').toUpperCase();
  reply(res, 201, { id, type: 'mt_text', canceled: false, client_reference: body.client_reference });
}

const server = createServer({ keepAlive: true, keepAliveTimeout: 60_000 }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => handle(req, res, Buffer.concat(chunks)));
});
server.keepAliveTimeout = 60_000;

server.listen(Number(process.env.FAKE_PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  if (process.send) process.send({ type: 'listening', port });
  else process.stdout.write(`fake Sinch SMS listening on http://127.0.0.1:${port}\n`);
});

process.on('message', (message: { type?: string }) => {
  if (message?.type === 'stats') {
    process.send?.({
      type: 'stats',
      batches,
      recipients,
      rejected,
      duplicateReferences,
      firstAt,
      lastAt,
      perSecond,
      rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
    });
  } else if (message?.type === 'stop') {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
