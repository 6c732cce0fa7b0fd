import { expect } from '@jest/globals';

import { HeldRecipientsService } from '../src/campaigns/held-recipients.service.js';
import { isWithinWindow } from '../src/campaigns/send-window.js';
import { localTime } from '../src/common/time-zones/time-zone.js';
import { FakeSinchSmsServer } from './fakes/fake-sinch-sms.server.js';
import { bodyOf, fieldsOf } from './support/bodies.js';
import {
  addsUp,
  campaignAction,
  type CampaignView,
  createCampaign,
  dispatchMovedOn,
  getCampaign,
  recipientsSentTo,
  seedContactWithoutPhone,
  uniqueTag,
  waitForCampaign,
} from './support/campaigns.js';
import type { PageView } from './support/inbox.js';
import {
  type ChannelView,
  createChannel,
  type MessageView,
  randomPhone,
  sinchSmsChannel,
  startMessagingApp,
  zonelessPhone,
} from './support/messaging.js';
import { bearer, createUserAndLogin, type TestApp, type TestUser } from './support/test-app.js';

const TCPA = { start: '08:00', end: '21:00' };
const ZONES = [
  'Pacific/Honolulu',
  'America/Los_Angeles',
  'America/New_York',
  'America/Sao_Paulo',
  'Europe/London',
  'Europe/Berlin',
  'Asia/Dubai',
  'Asia/Kolkata',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Pacific/Auckland',
];
const hourIn = (zone: string) => Math.floor(localTime(zone, new Date()).minutes / 60);
/** Where it is the middle of the day now, and where it is the middle of the night: from the clock. */
const dayZone = () => ZONES.find((zone) => hourIn(zone) >= 10 && hourIn(zone) < 19) as string;
const nightZone = () => ZONES.find((zone) => hourIn(zone) >= 0 && hourIn(zone) < 6) as string;

describe('Campaign compliance options', () => {
  let sut: TestApp;
  let admin: TestUser;
  let channel: ChannelView;
  const fake = new FakeSinchSmsServer();

  beforeAll(async () => {
    await fake.start();
    sut = await startMessagingApp({ CAMPAIGN_DISPATCH_INTERVAL_MS: '200', LOG_LEVEL: 'silent' });
    admin = await createUserAndLogin(sut, 'admin');
    channel = await createChannel(sut, admin, sinchSmsChannel(fake));
  });
  afterAll(async () => {
    await sut.close();
    await fake.stop();
  });

  const contact = async (tag: string, fields: Record<string, unknown> = {}): Promise<string> => {
    const phone = (fields.phone as string | undefined) ?? randomPhone();
    await sut.http
      .post('/api/v1/contacts')
      .set(bearer(admin))
      .send({ phone, tags: [tag], ...fields })
      .expect(201);
    return phone;
  };
  const campaignMessages = async (id: string, status: string) =>
    bodyOf<PageView<MessageView & { statusReason: string | null }>>(
      await sut.http.get(`/api/v1/campaigns/${id}/messages`).query({ status }).set(bearer(admin)).expect(200),
    ).items;
  const start = async (body: Record<string, unknown>): Promise<CampaignView> => {
    const campaign = await createCampaign(sut, admin, {
      channelId: channel.id,
      message: { text: 'Spring sale' },
      ...body,
    });
    await campaignAction(sut, admin, campaign.id, 'schedule');
    return campaign;
  };

  it('sends where it is day now and holds where it is night or the zone is unknown, until cancelled', async () => {
    const tag = uniqueTag('window');
    const day = await contact(tag, { timeZone: dayZone() });
    const night = await contact(tag, { timeZone: nightZone() });
    const zoneless = await contact(tag, { phone: zonelessPhone() });

    const campaign = await start({ audience: { tags: [tag] }, sendWindow: TCPA });
    const settled = await waitForCampaign(
      sut,
      admin,
      campaign.id,
      (c) => c.stats.queued === 0 && c.stats.held === 2 && c.stats.total === 3,
    );

    expect(recipientsSentTo(fake, new Set([day, night, zoneless]))).toEqual([day]);
    expect(settled.status).toBe('sending');
    expect(addsUp(settled.stats)).toBe(true);
    expect((await campaignMessages(campaign.id, 'held')).map((m) => m.address).sort()).toEqual(
      [night, zoneless].sort(),
    );

    expect((await campaignAction(sut, admin, campaign.id, 'pause')).stats.held).toBe(2);
    expect((await campaignAction(sut, admin, campaign.id, 'resume')).status).toBe('sending');
    const cancelled = await campaignAction(sut, admin, campaign.id, 'cancel');
    expect(cancelled).toMatchObject({ status: 'cancelled', stats: { held: 2 } });
    await dispatchMovedOn(sut, admin, channel.id, campaign.id);
    expect(recipientsSentTo(fake, new Set([night, zoneless]))).toEqual([]);
  });

  it('sends recipients with no known zone at once when the campaign says so', async () => {
    const tag = uniqueTag('unknown-send');
    const zoneless = await contact(tag, { phone: zonelessPhone() });
    const night = await contact(tag, { timeZone: nightZone() });

    const campaign = await start({
      audience: { tags: [tag] },
      sendWindow: { ...TCPA, unknownTimeZone: 'send' },
    });
    await waitForCampaign(
      sut,
      admin,
      campaign.id,
      (c) => c.stats.queued === 0 && c.stats.held === 1 && c.stats.total === 2,
    );
    expect(recipientsSentTo(fake, new Set([zoneless, night]))).toEqual([zoneless]);
    await campaignAction(sut, admin, campaign.id, 'cancel');
  });

  it('releases held recipients when their window opens (clock injected into the release) and completes', async () => {
    const tag = uniqueTag('release');
    const zone = nightZone();
    const phones = [await contact(tag, { timeZone: zone }), await contact(tag, { timeZone: zone })];
    const campaign = await start({ audience: { tags: [tag] }, sendWindow: TCPA });
    await waitForCampaign(sut, admin, campaign.id, (c) => c.stats.held === 2 && c.stats.total === 2);

    const release = sut.app.get(HeldRecipientsService);
    expect(await release.releaseDue(campaign.id, new Date())).toBe(0);
    const morning = Array.from({ length: 24 }, (_, h) => new Date(Date.now() + (h + 1) * 3_600_000)).find(
      (at) => isWithinWindow(TCPA, zone, at),
    ) as Date;
    expect(await release.releaseDue(campaign.id, morning)).toBe(2);
    expect(await release.releaseDue(campaign.id, morning)).toBe(0);

    const done = await waitForCampaign(sut, admin, campaign.id, (c) => c.status === 'completed');
    expect(done.stats.held).toBe(0);
    expect(addsUp(done.stats)).toBe(true);
    expect(recipientsSentTo(fake, new Set(phones)).sort()).toEqual([...phones].sort());
  });

  it('skips contacts at their frequency cap, counted over campaign messages sent by any campaign', async () => {
    const first = uniqueTag('cap-first');
    const second = uniqueTag('cap-second');
    const reached = await contact(first);
    await sut.http
      .patch(`/api/v1/contacts/${await contactId(reached)}`)
      .set(bearer(admin))
      .send({ tags: [first, second] })
      .expect(200);
    const fresh = await contact(second);

    const earlier = await start({ audience: { tags: [first] } });
    await waitForCampaign(sut, admin, earlier.id, (c) => c.status === 'completed');

    const capped = await start({ audience: { tags: [second] }, frequencyCap: { max: 1, perHours: 24 } });
    const done = await waitForCampaign(sut, admin, capped.id, (c) => c.status === 'completed');
    expect(done.stats).toMatchObject({ total: 2, skippedFrequencyCap: 1 });
    expect(addsUp(done.stats)).toBe(true);
    const skipped = await campaignMessages(capped.id, 'skipped');
    expect(skipped).toEqual([expect.objectContaining({ address: reached, statusReason: 'frequency_cap' })]);
    expect(recipientsSentTo(fake, new Set([reached]))).toHaveLength(1);
    expect(recipientsSentTo(fake, new Set([fresh]))).toEqual([fresh]);

    // The same contacts with a cap of 2: the one earlier message does not reach it.
    const roomy = await start({ audience: { tags: [second] }, frequencyCap: { max: 2, perHours: 24 } });
    const roomyDone = await waitForCampaign(sut, admin, roomy.id, (c) => c.status === 'completed');
    expect(roomyDone.stats.skippedFrequencyCap).toBe(0);
  });

  it.each([
    [{ sendWindow: { start: '8am', end: '21:00' } }, 'sendWindow.start'],
    [{ sendWindow: { start: '08:00', end: '08:00' } }, 'sendWindow.end'],
    [{ sendWindow: { start: '08:00', end: '21:00', days: ['funday'] } }, 'sendWindow.days'],
    [
      { sendWindow: { start: '08:00', end: '21:00', unknownTimeZone: 'maybe' } },
      'sendWindow.unknownTimeZone',
    ],
    [{ frequencyCap: { max: 0, perHours: 24 } }, 'frequencyCap.max'],
    [{ frequencyCap: { max: 1 } }, 'frequencyCap.perHours'],
  ])('rejects %j naming %s', async (options, field) => {
    const response = await sut.http
      .post('/api/v1/campaigns')
      .set(bearer(admin))
      .send({
        name: 'bad',
        channelId: channel.id,
        message: { text: 'Hi' },
        audience: { all: true },
        ...options,
      })
      .expect(400);
    expect(fieldsOf(response)).toEqual([field]);
  });

  async function contactId(phone: string): Promise<string> {
    const page = await sut.http
      .get('/api/v1/contacts')
      .query({ search: phone })
      .set(bearer(admin))
      .expect(200);
    return bodyOf<PageView<{ id: string }>>(page).items[0].id;
  }

  it('previews counts, held recipients, encoding and segments of every rendered text, and the duration', async () => {
    const tag = uniqueTag('preview');
    const day = dayZone();
    await contact(tag, { firstName: 'Ann', timeZone: nightZone() }); // "Hi Ann!": 7 septets, held now
    await contact(tag, { firstName: '€'.repeat(79), timeZone: day }); // 4 + 79 × 2 = 162 septets: 2 segments
    await contact(tag, { firstName: '{}[]~\\|^'.repeat(10), timeZone: day }); // 4 + 160 = 164 septets: 2
    await contact(tag, { firstName: '😀', timeZone: day }); // one emoji: UCS-2, "Hi 😀!" is 6 units
    const optedOut = await contact(tag, { timeZone: day });
    await sut.http
      .post(`/api/v1/contacts/${await contactId(optedOut)}/opt-out`)
      .set(bearer(admin))
      .expect(200);
    await seedContactWithoutPhone(sut, tag);
    const campaign = await createCampaign(sut, admin, {
      channelId: channel.id,
      message: { text: 'Hi {{firstName}}!' },
      audience: { tags: [tag] },
      sendWindow: TCPA,
      ratePerSecond: 2,
    });

    const preview = await sut.http
      .get(`/api/v1/campaigns/${campaign.id}/preview`)
      .set(bearer(admin))
      .expect(200);
    expect(preview.body).toEqual({
      recipients: 4,
      skippedOptedOut: 1,
      skippedInvalid: 1,
      skippedFrequencyCap: 0,
      heldNow: 1,
      encoding: 'UCS-2',
      segmentsPerMessage: { min: 1, max: 2 },
      totalSegments: 6,
      estimatedSeconds: 2,
    });
    // Nothing was written: the campaign is still an untouched draft.
    expect(await getCampaign(sut, admin, campaign.id)).toMatchObject({
      status: 'draft',
      stats: { total: 0 },
    });
  });

  it('previews the whole campaign as UCS-2 when one recipient’s name needs it, and no estimate without limits', async () => {
    const tag = uniqueTag('preview-gsm');
    await contact(tag, { firstName: 'Zoë' });
    await contact(tag, { firstName: 'Åsa' });
    const campaign = await createCampaign(sut, admin, {
      channelId: channel.id,
      message: { text: 'Hej {{firstName}}, {{attributes.missing}}välkommen' },
      audience: { tags: [tag] },
    });
    const preview = await sut.http
      .get(`/api/v1/campaigns/${campaign.id}/preview`)
      .set(bearer(admin))
      .expect(200);
    expect(preview.body).toMatchObject({
      recipients: 2,
      heldNow: 0,
      encoding: 'UCS-2', // ë is not in the GSM-7 alphabet (Å and ä are)
      segmentsPerMessage: { min: 1, max: 1 },
      totalSegments: 2,
      estimatedSeconds: null,
    });
    await sut.http
      .get(`/api/v1/campaigns/00000000-0000-4000-8000-000000000000/preview`)
      .set(bearer(admin))
      .expect(404);
  });

  it('shows the options on the campaign', async () => {
    const created = await createCampaign(sut, admin, {
      channelId: channel.id,
      message: { text: 'Hi' },
      audience: { all: true },
      sendWindow: { start: '09:00', end: '17:00', days: ['mon', 'fri'] },
      frequencyCap: { max: 3, perHours: 168 },
    });
    const read = await getCampaign(sut, admin, created.id);
    expect(read).toMatchObject({
      sendWindow: { start: '09:00', end: '17:00', days: ['mon', 'fri'], unknownTimeZone: 'hold' },
      frequencyCap: { max: 3, perHours: 168 },
    });
  });
});
