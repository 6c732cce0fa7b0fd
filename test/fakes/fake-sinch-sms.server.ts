import {
  bearerToken,
  FakeProviderServer,
  type FakeResponse,
  fakeUlid,
  type RecordedRequest,
} from './fake-provider.server.js';

export interface FakeSinchSmsOptions {
  servicePlanId?: string;
  apiToken?: string;
}

/** A batch as the fake stored it; recipients normalised to digits, as Sinch echoes them. */
export interface FakeSinchBatch {
  id: string;
  to: string[];
  from?: string;
  body: string;
  parameters?: Record<string, Record<string, string>>;
  client_reference?: string;
  callback_url?: string;
  delivery_report: string;
  created_at: string;
}

const DELIVERY_REPORTS = ['none', 'summary', 'full', 'per_recipient', 'per_recipient_final'];
// Documented limits: body 2000 chars, 1000 recipients, parameter keys [A-Za-z0-9._-] up to 16
// chars, per-recipient and default values up to 160 chars.
const MAX_BODY = 2000;
const MAX_RECIPIENTS = 1000;
const PARAMETER_KEY = /^[A-Za-z0-9._-]{1,16}$/;
const MAX_PARAMETER_VALUE = 160;

/** Sinch SMS REST API (`/xms/v1/{service_plan_id}/batches`): send and list batches. */
export class FakeSinchSmsServer extends FakeProviderServer {
  readonly servicePlanId: string;
  readonly apiToken: string;
  readonly batches: FakeSinchBatch[] = [];

  constructor(options: FakeSinchSmsOptions = {}) {
    super();
    this.servicePlanId = options.servicePlanId ?? 'jd63jf88477ll123ab4567cd89012ef3';
    this.apiToken = options.apiToken ?? 'sinch-sms-token-1a2b3c4d';
  }

  /** The text `msisdn` (any format) receives from a batch, after `${name}` substitution; undefined when Sinch would fail it. */
  renderFor(batch: FakeSinchBatch, msisdn: string): string | undefined {
    const recipient = digits(msisdn);
    if (!batch.to.includes(recipient)) return undefined;
    let missing = false;
    const text = batch.body.replace(/\$\{([A-Za-z0-9._-]+)\}/g, (placeholder, name: string) => {
      const values = batch.parameters?.[name];
      if (!values) return placeholder;
      const value = values[recipient] ?? values.default;
      if (value === undefined) missing = true;
      return value ?? '';
    });
    return missing ? undefined : text;
  }

  protected override resetState(): void {
    this.batches.length = 0;
  }

  protected override rateLimitBody(): unknown {
    return { code: 'too_many_requests', text: 'Rate limit exceeded' };
  }

  protected handle(request: RecordedRequest): FakeResponse {
    const match = /^\/xms\/v1\/([^/]+)\/batches(?:\/([^/]+))?$/.exec(request.path);
    if (!match) return { status: 404, body: { code: 'not_found', text: `No route ${request.path}` } };
    if (
      bearerToken(request.headers) !== this.apiToken ||
      decodeURIComponent(match[1]) !== this.servicePlanId
    ) {
      return { status: 401, body: { code: 'unauthorized', text: 'Invalid service plan id or API token' } };
    }
    const batchId = match[2];
    if (request.method === 'POST' && !batchId) return this.createBatch(request.body);
    if (request.method === 'GET' && !batchId) return this.listBatches(request.query);
    if (request.method === 'GET' && batchId) {
      const batch = this.batches.find((b) => b.id === batchId);
      return batch
        ? { status: 200, body: toWire(batch) }
        : { status: 404, body: { code: 'not_found', text: 'Batch not found' } };
    }
    return { status: 405, body: { code: 'method_not_allowed', text: request.method } };
  }

  private createBatch(body: unknown): FakeResponse {
    const problem = validateBatch(body);
    if (problem) return { status: 400, body: { code: 'syntax_constraint_violation', text: problem } };
    const input = body as Record<string, unknown>;
    const batch: FakeSinchBatch = {
      id: fakeUlid(),
      to: (input.to as string[]).map(digits),
      from: typeof input.from === 'string' ? digits(input.from) : undefined,
      body: input.body as string,
      parameters: input.parameters as FakeSinchBatch['parameters'],
      client_reference: input.client_reference as string | undefined,
      callback_url: input.callback_url as string | undefined,
      delivery_report: (input.delivery_report as string | undefined) ?? 'none',
      created_at: new Date().toISOString(),
    };
    this.batches.push(batch);
    return { status: 201, body: toWire(batch) };
  }

  private listBatches(query: Record<string, string>): FakeResponse {
    const page = Number(query.page ?? '0');
    const pageSize = Number(query.page_size ?? '30');
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
      return {
        status: 400,
        body: { code: 'syntax_constraint_violation', text: 'page_size must be 1 to 100' },
      };
    }
    const start = query.start_date ? Date.parse(query.start_date) : Date.now() - 24 * 3600 * 1000;
    const matching = this.batches
      .filter((b) => Date.parse(b.created_at) >= start)
      .filter((b) => query.client_reference === undefined || b.client_reference === query.client_reference)
      .reverse();
    const slice = matching.slice(page * pageSize, (page + 1) * pageSize);
    return {
      status: 200,
      body: { count: matching.length, page, page_size: slice.length, batches: slice.map(toWire) },
    };
  }
}

function validateBatch(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return 'Request body must be a JSON object';
  const input = body as Record<string, unknown>;
  const to = input.to;
  if (!Array.isArray(to) || to.length < 1 || to.length > MAX_RECIPIENTS)
    return `to must hold 1 to ${MAX_RECIPIENTS} recipients`;
  if (!to.every((n) => typeof n === 'string' && /^\+?[1-9]\d{1,14}$/.test(n)))
    return 'to holds an invalid MSISDN';
  if (typeof input.body !== 'string' || input.body.length > MAX_BODY)
    return `body must be a string of at most ${MAX_BODY} characters`;
  if (input.delivery_report !== undefined && !DELIVERY_REPORTS.includes(input.delivery_report as string)) {
    return 'delivery_report is not a valid value';
  }
  if (input.parameters !== undefined) {
    if (typeof input.parameters !== 'object' || input.parameters === null)
      return 'parameters must be an object';
    for (const [key, values] of Object.entries(input.parameters)) {
      if (!PARAMETER_KEY.test(key)) return `'${key}' is not a valid parameter key`;
      if (typeof values !== 'object' || values === null) return `parameters.${key} must be an object`;
      for (const value of Object.values(values as Record<string, unknown>)) {
        if (typeof value !== 'string' || value.length > MAX_PARAMETER_VALUE) {
          return `parameters.${key} values must be strings of at most ${MAX_PARAMETER_VALUE} characters`;
        }
      }
    }
  }
  return undefined;
}

function toWire(batch: FakeSinchBatch): Record<string, unknown> {
  return {
    id: batch.id,
    to: batch.to,
    from: batch.from,
    canceled: false,
    body: batch.body,
    parameters: batch.parameters,
    type: 'mt_text',
    created_at: batch.created_at,
    modified_at: batch.created_at,
    delivery_report: batch.delivery_report,
    expire_at: new Date(Date.parse(batch.created_at) + 3 * 24 * 3600 * 1000).toISOString(),
    callback_url: batch.callback_url,
    client_reference: batch.client_reference,
    feedback_enabled: false,
    flash_message: false,
  };
}

function digits(msisdn: string): string {
  return msisdn.replace(/^\+/, '');
}
