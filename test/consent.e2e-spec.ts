import { expect } from '@jest/globals';

import { bodyOf, errorOf } from './support/bodies.js';
import { type ConversationView, sandboxReplies, waitForConversation } from './support/inbox.js';
import {
  type ChannelView,
  createChannel,
  randomPhone,
  sandboxChannel,
  startMessagingApp,
} from './support/messaging.js';
import { bearer, createUserAndLogin, type TestApp, type TestUser } from './support/test-app.js';

interface ConsentEventView {
  id: string;
  action: 'opt_out' | 'opt_in';
  source: 'keyword' | 'api' | 'import' | 'provider';
  channelId: string | null;
  keyword: string | null;
  messageId: string | null;
  userId: string | null;
  at: string;
}

type FlaggedConversation = ConversationView & { optOutRequestedAt: string | null };

const CSV_HEADER = 'contactId,phone,action,source,channelId,keyword,messageId,userId,at';

describe('Consent ledger', () => {
  let sut: TestApp;
  let admin: TestUser;
  let agent: TestUser;
  let sandbox: ChannelView;

  beforeAll(async () => {
    sut = await startMessagingApp();
    admin = await createUserAndLogin(sut, 'admin');
    agent = await createUserAndLogin(sut, 'agent');
    sandbox = await createChannel(sut, admin, sandboxChannel({ deliveryDelayMs: 50 }));
  });
  afterAll(() => sut.close());

  const newContact = async (phone = randomPhone()): Promise<string> =>
    bodyOf<{ id: string }>(
      await sut.http.post('/api/v1/contacts').set(bearer(agent)).send({ phone }).expect(201),
    ).id;
  const history = async (contactId: string, user: TestUser = agent): Promise<ConsentEventView[]> =>
    bodyOf<ConsentEventView[]>(
      await sut.http.get(`/api/v1/contacts/${contactId}/consent`).set(bearer(user)).expect(200),
    );
  const inboundIds = async (conversationId: string): Promise<string[]> =>
    bodyOf<{ items: Array<{ id: string; direction: string }> }>(
      await sut.http
        .get(`/api/v1/conversations/${conversationId}/messages`)
        .query({ limit: 100 })
        .set(bearer(admin))
        .expect(200),
    )
      .items.filter((message) => message.direction === 'inbound')
      .map((message) => message.id);
  const exportCsv = (query: Record<string, string> = {}) =>
    sut.http
      .get('/api/v1/consent/export')
      .query(query)
      .set(bearer(admin))
      .buffer(true)
      .parse((response, callback) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => callback(null, text));
      });

  it('records API opt-outs and opt-ins with the user, oldest first', async () => {
    const contactId = await newContact();
    await sut.http.post(`/api/v1/contacts/${contactId}/opt-out`).set(bearer(agent)).expect(200);
    await sut.http.post(`/api/v1/contacts/${contactId}/opt-in`).set(bearer(admin)).expect(200);

    const events = await history(contactId);
    expect(events).toEqual([
      expect.objectContaining({ action: 'opt_out', source: 'api', userId: agent.id, keyword: null }),
      expect.objectContaining({ action: 'opt_in', source: 'api', userId: admin.id }),
    ]);
    expect(Date.parse(events[0].at)).toBeLessThanOrEqual(Date.parse(events[1].at));
  });

  it('records a keyword with the inbound message that carried it, for the FCC 2025 words too', async () => {
    const phone = randomPhone();
    await sandboxReplies(sut, admin, sandbox.id, phone, 'Revoke');
    const conversation = await waitForConversation(sut, admin, sandbox.id, phone, (c) => c.contact.optedOut);
    await sandboxReplies(sut, admin, sandbox.id, phone, 'START');
    await sandboxReplies(sut, admin, sandbox.id, phone, 'opt-out');
    const [revoke, start, optOut] = await inboundIds(conversation.id);

    expect(await history(conversation.contact.id)).toEqual([
      expect.objectContaining({
        action: 'opt_out',
        source: 'keyword',
        keyword: 'REVOKE',
        messageId: revoke,
        channelId: sandbox.id,
      }),
      expect.objectContaining({ action: 'opt_in', source: 'keyword', keyword: 'START', messageId: start }),
      expect.objectContaining({
        action: 'opt_out',
        source: 'keyword',
        keyword: 'OPT OUT',
        messageId: optOut,
      }),
    ]);
  });

  it('flags a free-text opt-out request on the conversation for an agent, without acting on it', async () => {
    const phone = randomPhone();
    const replies = await sandboxReplies(sut, admin, sandbox.id, phone, 'Please stop texting me, thanks');
    expect(replies).toEqual([]);
    const flagged = (await waitForConversation(
      sut,
      admin,
      sandbox.id,
      phone,
      (c) => (c as FlaggedConversation).optOutRequestedAt !== null,
    )) as FlaggedConversation;
    expect(flagged.contact.optedOut).toBe(false);
    expect(await history(flagged.contact.id)).toEqual([]);

    // The agent opts the contact out: the request is settled and the flag cleared.
    await sut.http.post(`/api/v1/contacts/${flagged.contact.id}/opt-out`).set(bearer(agent)).expect(200);
    const settled = bodyOf<FlaggedConversation>(
      await sut.http.get(`/api/v1/conversations/${flagged.id}`).set(bearer(agent)).expect(200),
    );
    expect(settled).toMatchObject({ optOutRequestedAt: null, contact: { optedOut: true } });
  });

  it('leaves an ordinary message unflagged', async () => {
    const phone = randomPhone();
    await sandboxReplies(sut, admin, sandbox.id, phone, 'Can I stop by the shop at 5?');
    const conversation = (await waitForConversation(sut, admin, sandbox.id, phone)) as FlaggedConversation;
    expect(conversation.optOutRequestedAt).toBeNull();
  });

  it('exports the ledger as streamed CSV for admins, by time range', async () => {
    const phone = randomPhone();
    const contactId = await newContact(phone);
    const from = new Date(Date.now() - 1000).toISOString();
    await sut.http.post(`/api/v1/contacts/${contactId}/opt-out`).set(bearer(admin)).expect(200);

    const response = await exportCsv({ from }).expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    const lines = (response.body as string).trimEnd().split('\n');
    expect(lines[0]).toBe(CSV_HEADER);
    const row = lines.find((line) => line.startsWith(`${contactId},`));
    expect(row?.split(',').slice(0, 8)).toEqual([contactId, phone, 'opt_out', 'api', '', '', '', admin.id]);

    const before = await exportCsv({ to: from }).expect(200);
    expect(before.body as string).not.toContain(contactId);
    await sut.http.get('/api/v1/consent/export').set(bearer(agent)).expect(403);
    const bad = await sut.http
      .get('/api/v1/consent/export')
      .query({ from: 'yesterday' })
      .set(bearer(admin))
      .expect(400);
    expect(errorOf(bad).details).toEqual([expect.objectContaining({ field: 'from' })]);
  });

  it('keeps the fact and time of each event when the contact is erased, without the phone', async () => {
    const phone = randomPhone();
    const contactId = await newContact(phone);
    await sut.http.post(`/api/v1/contacts/${contactId}/opt-out`).set(bearer(admin)).expect(200);
    await sut.http.delete(`/api/v1/contacts/${contactId}`).set(bearer(admin)).expect(204);

    await sut.http.get(`/api/v1/contacts/${contactId}/consent`).set(bearer(admin)).expect(404);
    const csv = (await exportCsv().expect(200)).body as string;
    const row = csv.split('\n').find((line) => line.startsWith(`${contactId},`));
    expect(row?.split(',').slice(0, 4)).toEqual([contactId, '', 'opt_out', 'api']);
    expect(csv).not.toContain(phone);
  });

  it('refuses to edit or delete ledger rows, in the database itself', async () => {
    const contactId = await newContact();
    await sut.http.post(`/api/v1/contacts/${contactId}/opt-out`).set(bearer(admin)).expect(200);
    await expect(
      sut.dataSource.query(`UPDATE consent_events SET action = 'opt_in' WHERE contact_id = $1`, [contactId]),
    ).rejects.toThrow(/append-only/);
    await expect(
      sut.dataSource.query(`DELETE FROM consent_events WHERE contact_id = $1`, [contactId]),
    ).rejects.toThrow(/append-only/);
  });
});
