import type pg from 'pg';

import type { Api } from './api.js';
import type { BenchChannels } from './delivery-reports.js';

/** The provider credentials the webhook benchmarks configure and sign with. */
const CONVERSATION = {
  projectId: 'bench-project',
  appId: 'bench-app',
  keyId: 'bench-key',
  keySecret: 'bench-key-secret',
  webhookSecret: 'bench-conversation-webhook-secret',
};

const PLIVO = { authId: 'MABENCHAUTHID0000000', authToken: 'bench-plivo-auth-token-0123456789' };

interface ChannelView {
  id: string;
  webhookUrls: { callback?: string; status?: string };
}

/** A Sinch Conversation and a Plivo channel, as the benchmarks' signed reports address them. */
export async function createBenchChannels(api: Api): Promise<BenchChannels> {
  const conversation = await api.call<ChannelView>('POST', '/channels', {
    name: 'Bench Conversation',
    provider: 'sinch-conversation',
    sender: '+12025550143',
    config: { ...CONVERSATION, region: 'eu', channel: 'SMS' },
  });
  const plivo = await api.call<ChannelView>('POST', '/channels', {
    name: 'Bench Plivo',
    provider: 'plivo',
    sender: '+12025550144',
    config: PLIVO,
  });
  return {
    conversation: {
      id: conversation.id,
      appId: CONVERSATION.appId,
      projectId: CONVERSATION.projectId,
      webhookSecret: CONVERSATION.webhookSecret,
      path: new URL(conversation.webhookUrls.callback!).pathname,
    },
    plivo: {
      id: plivo.id,
      authToken: PLIVO.authToken,
      path: new URL(plivo.webhookUrls.status!).pathname,
      publicUrl: plivo.webhookUrls.status!,
    },
  };
}

/** Message n: contact benchPhone(n), its conversation on the channel its parity picks, one queued outbound message. */
export async function seedBenchMessages(
  db: pg.Client,
  channels: BenchChannels,
  messages: number,
): Promise<void> {
  await db.query(
    `INSERT INTO contacts (phone, name) SELECT '+1415' || lpad(g::text, 7, '0'), 'Bench ' || g FROM generate_series(1, $1::int) g`,
    [messages],
  );
  await db.query(
    `INSERT INTO conversations (contact_id, channel_id)
     SELECT c.id, CASE WHEN substr(c.phone, 6)::int % 2 = 1 THEN $1::uuid ELSE $2::uuid END FROM contacts c`,
    [channels.conversation.id, channels.plivo.id],
  );
  await db.query(
    `INSERT INTO messages (direction, channel_id, contact_id, conversation_id, recipient, content, status, provider_message_id, client_reference)
     SELECT 'outbound', cv.channel_id, c.id, cv.id, c.phone, '{"kind":"text","text":"Your order has shipped"}', 'queued',
            'bench-msg-' || substr(c.phone, 6)::int, 'bench_' || substr(c.phone, 6)::int
       FROM contacts c JOIN conversations cv ON cv.contact_id = c.id`,
  );
  await db.query('ANALYZE');
}
