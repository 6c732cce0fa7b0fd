import type { RecordedRequest } from '../../fakes/fake-provider.server.js';
import type { FakeSinchSmsServer } from '../../fakes/fake-sinch-sms.server.js';

/**
 * What the fake Sinch SMS server makes of a campaign. A recipient "received" the text when it is in
 * a batch the fake accepted (created and answered 201, even if the answer never reached the app):
 * requests answered with an error, or never answered, deliver nothing.
 */
export class ProviderRecord {
  constructor(private readonly fake: FakeSinchSmsServer) {}

  /** E.164 recipient → how many accepted batches carried it. */
  receivedCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const batch of this.fake.batches) {
      for (const digits of batch.to) counts.set(`+${digits}`, (counts.get(`+${digits}`) ?? 0) + 1);
    }
    return counts;
  }

  /** How many recipients received the text more than once, and a few of them with how often. */
  receivedMoreThanOnce(): { count: number; examples: string[] } {
    const repeated = [...this.receivedCounts()].filter(([, count]) => count > 1);
    return {
      count: repeated.length,
      examples: repeated.slice(0, 3).map(([phone, count]) => `${phone} × ${count}`),
    };
  }

  /** Every batch request that reached the fake, whatever it answered. */
  batchRequests(): RecordedRequest[] {
    return this.fake.requestsTo('POST', /\/batches$/);
  }
}

/** The recipients (E.164) a batch request carried. */
export function recipientsOf(request: RecordedRequest): string[] {
  const to = (request.body as { to?: unknown } | undefined)?.to;
  return Array.isArray(to)
    ? to.filter((n): n is string => typeof n === 'string').map((n) => (n.startsWith('+') ? n : `+${n}`))
    : [];
}
