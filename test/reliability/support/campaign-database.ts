import { Client } from 'pg';

export interface RecipientOutcome {
  recipient: string;
  status: string;
  statusReason: string | null;
}

async function withClient<T>(databaseUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface AudienceSeed {
  tag: string;
  count: number;
  /** Phones are +1 415 followed by this number and the next ones, 7 digits. */
  firstNumber?: number;
}

/**
 * Contacts written in one set-based statement (as an import of a large list leaves them).
 * Returns their phones in E.164.
 */
export function seedAudience(databaseUrl: string, seed: AudienceSeed): Promise<string[]> {
  const first = seed.firstNumber ?? 1;
  return withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ phone: string }>(
      `INSERT INTO contacts (phone, first_name, tags)
       SELECT '+1415' || lpad(g::text, 7, '0'), 'Contact ' || g, ARRAY[$3::text]
         FROM generate_series($1::int, $2::int) AS g
       RETURNING phone`,
      [first, first + seed.count - 1, seed.tag],
    );
    await client.query('ANALYZE contacts');
    return rows.map((row) => row.phone);
  });
}

/** Read-only: each recipient's message row of the campaign, as the product recorded it. */
export function recipientOutcomes(databaseUrl: string, campaignId: string): Promise<RecipientOutcome[]> {
  return withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ recipient: string; status: string; status_reason: string | null }>(
      `SELECT recipient, status, status_reason FROM messages WHERE campaign_id = $1`,
      [campaignId],
    );
    return rows.map((row) => ({
      recipient: row.recipient,
      status: row.status,
      statusReason: row.status_reason,
    }));
  });
}
