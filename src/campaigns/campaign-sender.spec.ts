import { Logger } from '@nestjs/common';

import {
  ProviderCredentialsError,
  ProviderRequestError,
  ProviderTransientError,
} from '../channels/providers/provider-errors.js';
import { channelContext } from './testing/campaign-fakes.js';
import { type CampaignWorld, campaignWorld, senderIn } from './testing/campaign-sut.js';

const active = () => Promise.resolve(true);
const unavailable = () => Promise.reject(new ProviderTransientError('HTTP 503', undefined, 503));

describe('CampaignSender', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  let world: CampaignWorld;
  const campaign = { id: '', ratePerSecond: null };

  beforeEach(() => {
    world = campaignWorld();
    campaign.id = world.tables.addCampaign().id;
  });

  const sendChunk = (isActive = active) => senderIn(world).sendChunk(campaign, channelContext(), isActive);

  it("records an accepted request's recipients as sent with the provider's ids, and closes the unit", async () => {
    const unit = world.tables.addUnit(campaign.id, ['+15550000001', '+15550000002']);

    const outcome = await sendChunk();

    expect(outcome).toEqual({ claimed: 1, credentialsError: undefined });
    expect(world.provider.requests).toHaveLength(1);
    expect(world.provider.requests[0].clientReference).toBe(unit.reference);
    expect(world.tables.messagesOf(unit).map((m) => [m.status, m.attempts, m.providerMessageId])).toEqual([
      ['sent', 1, `provider-${world.provider.requests[0].recipients[0].messageId}`],
      ['sent', 1, `provider-${world.provider.requests[0].recipients[1].messageId}`],
    ]);
    expect(world.tables.units.get(unit.reference)).toMatchObject({ done: true, leasedUntil: null });
    expect(await world.metrics.render()).toContain(
      'switchboard_messages_sent_total{provider="sinch-sms",channel_id="channel-1",source="campaign",outcome="sent"} 2',
    );
  });

  it('records the recipients the provider refused as rejected, with its code, and the others as sent', async () => {
    const unit = world.tables.addUnit(campaign.id, ['+15550000001', '+15550000002']);
    world.provider.answer((batch) => [
      { messageId: batch.recipients[0].messageId, outcome: 'accepted', status: 'queued' },
      { messageId: batch.recipients[1].messageId, outcome: 'rejected', reason: 'blocked', errorCode: '402' },
    ]);

    await sendChunk();

    expect(world.tables.messagesOf(unit).map((m) => [m.status, m.errorCode])).toEqual([
      ['sent', null],
      ['rejected', '402'],
    ]);
    expect(world.tables.units.get(unit.reference)?.done).toBe(true);
  });

  it('rejects every recipient of a request the provider refused as a whole', async () => {
    const unit = world.tables.addUnit(campaign.id, ['+15550000001', '+15550000002']);
    world.provider.answer(() =>
      Promise.reject(new ProviderRequestError('bad sender', 400, 'sender_invalid')),
    );

    await sendChunk();

    expect(world.tables.messagesOf(unit).map((m) => [m.status, m.reason, m.errorCode])).toEqual([
      ['rejected', 'bad sender', 'sender_invalid'],
      ['rejected', 'bad sender', 'sender_invalid'],
    ]);
  });

  it('keeps the rows queued and schedules the unit again while the provider is unavailable, then sends them', async () => {
    const unit = world.tables.addUnit(campaign.id, ['+15550000001']);
    world.provider.answer(unavailable);

    await sendChunk();

    const waiting = world.tables.units.get(unit.reference);
    expect(waiting).toMatchObject({ done: false, leasedUntil: null, attempts: 1 });
    expect(waiting?.nextAttemptAt).toBeGreaterThan(world.tables.now);
    expect(world.tables.messagesOf(unit)).toEqual([
      expect.objectContaining({ status: 'queued', reason: 'Retrying: HTTP 503', attempts: 1 }),
    ]);
    expect(await sendChunk()).toEqual({ claimed: 0 });

    world.tables.now = (waiting?.nextAttemptAt ?? 0) + 1;
    world.provider.answer((batch) =>
      batch.recipients.map((r) => ({ messageId: r.messageId, outcome: 'accepted', status: 'queued' })),
    );
    await sendChunk();

    expect(world.tables.messagesOf(unit)).toEqual([expect.objectContaining({ status: 'sent', attempts: 2 })]);
  });

  it('fails the rows once their unit has been tried five times', async () => {
    const unit = world.tables.addUnit(campaign.id, ['+15550000001'], { attempts: 4 });
    world.provider.answer(unavailable);

    await sendChunk();

    expect(world.tables.messagesOf(unit)).toEqual([
      expect.objectContaining({
        status: 'failed',
        reason: 'Provider unavailable after 5 attempts: HTTP 503',
      }),
    ]);
    expect(world.tables.units.get(unit.reference)?.done).toBe(true);
  });

  it('hands a request that may have arrived to recovery instead of sending it again', async () => {
    const unit = world.tables.addUnit(campaign.id, ['+15550000001']);
    world.provider.answer(() =>
      Promise.reject(new ProviderTransientError('timed out', undefined, undefined, true)),
    );

    await sendChunk();

    const unsure = world.tables.units.get(unit.reference);
    expect(unsure?.done).toBe(false);
    expect(unsure?.leasedUntil).toBeLessThan(world.tables.now);
    expect(world.tables.statusesOf(unit)).toEqual(['queued']);
    expect(await sendChunk()).toEqual({ claimed: 0 });
  });

  it('reports refused credentials and gives the unit back as it was', async () => {
    const unit = world.tables.addUnit(campaign.id, ['+15550000001']);
    const refusal = new ProviderCredentialsError('unauthorised', 401);
    world.provider.answer(() => Promise.reject(refusal));

    const outcome = await sendChunk();

    expect(outcome).toEqual({ claimed: 1, credentialsError: refusal });
    expect(world.tables.units.get(unit.reference)).toMatchObject({
      done: false,
      leasedUntil: null,
      attempts: 0,
    });
    expect(world.tables.statusesOf(unit)).toEqual(['queued']);
  });

  it('sends nothing once the campaign is no longer active, and gives the claimed unit back', async () => {
    const unit = world.tables.addUnit(campaign.id, ['+15550000001']);

    await sendChunk(() => Promise.resolve(false));

    expect(world.provider.requests).toEqual([]);
    expect(world.tables.units.get(unit.reference)).toMatchObject({
      done: false,
      leasedUntil: null,
      attempts: 0,
    });
    expect(world.tables.statusesOf(unit)).toEqual(['queued']);
  });

  it('leaves a unit another sender holds under its lease alone', async () => {
    world.tables.addUnit(campaign.id, ['+15550000001'], { leasedUntil: world.tables.now + 10_000 });

    expect(await sendChunk()).toEqual({ claimed: 0 });
    expect(world.provider.requests).toEqual([]);
  });
});
