import { Logger } from '@nestjs/common';

import { type CampaignWorld, campaignWorld, recoveryIn } from './testing/campaign-sut.js';

describe('CampaignRecoveryService', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  let world: CampaignWorld;
  let campaignId: string;

  beforeEach(() => {
    world = campaignWorld();
    campaignId = world.tables.addCampaign().id;
  });

  /** A unit whose sender crashed mid-request: its lease ran out before it was done. */
  const crashedUnit = (recipients: string[]) =>
    world.tables.addUnit(campaignId, recipients, { attempts: 1, leasedUntil: world.tables.now - 1 });

  it('marks the recipients the provider had as sent and puts the unit back for the others', async () => {
    const unit = crashedUnit(['+15550000001', '+15550000002']);
    world.provider.knows({
      [unit.reference]: [{ batchId: 'batch-a', recipients: ['+15550000001'], canceled: false }],
    });

    await recoveryIn(world).recoverExpired();

    expect(world.tables.messagesOf(unit).map((m) => [m.recipient, m.status, m.providerBatchId])).toEqual([
      ['+15550000001', 'sent', 'batch-a'],
      ['+15550000002', 'queued', null],
    ]);
    expect(world.tables.units.get(unit.reference)).toMatchObject({
      done: false,
      leasedUntil: null,
      nextAttemptAt: null,
    });
  });

  it('closes the unit when the provider had every recipient', async () => {
    const unit = crashedUnit(['+15550000001', '+15550000002']);
    world.provider.knows({
      [unit.reference]: [
        { batchId: 'batch-a', recipients: ['+15550000001'], canceled: false },
        { batchId: 'batch-b', recipients: ['+15550000002'], canceled: false },
      ],
    });

    await recoveryIn(world).recoverExpired();

    expect(world.tables.statusesOf(unit)).toEqual(['sent', 'sent']);
    expect(world.tables.units.get(unit.reference)?.done).toBe(true);
  });

  it('sends again the recipients of a batch the provider canceled', async () => {
    const unit = crashedUnit(['+15550000001']);
    world.provider.knows({
      [unit.reference]: [{ batchId: 'batch-a', recipients: ['+15550000001'], canceled: true }],
    });

    await recoveryIn(world).recoverExpired();

    expect(world.tables.statusesOf(unit)).toEqual(['queued']);
    expect(world.tables.units.get(unit.reference)?.done).toBe(false);
  });

  it('fails as interrupted what a provider that cannot be asked may have sent, rather than risk a duplicate', async () => {
    const unit = crashedUnit(['+15550000001', '+15550000002']);

    await recoveryIn(world).recoverExpired();

    expect(world.tables.messagesOf(unit).map((m) => [m.status, m.reason])).toEqual([
      ['failed', 'interrupted'],
      ['failed', 'interrupted'],
    ]);
    expect(world.tables.units.get(unit.reference)?.done).toBe(true);
  });

  it('leaves alone a unit whose sender still holds its lease', async () => {
    const unit = world.tables.addUnit(campaignId, ['+15550000001'], {
      attempts: 1,
      leasedUntil: world.tables.now + 10_000,
    });

    await recoveryIn(world).recoverExpired();

    expect(world.tables.statusesOf(unit)).toEqual(['queued']);
    expect(world.tables.units.get(unit.reference)?.leasedUntil).toBe(world.tables.now + 10_000);
  });

  it('keeps the unit under its recovery lease when the provider cannot be reached, for a later pass', async () => {
    const unit = crashedUnit(['+15550000001']);
    world.provider.findSentBatches = () => Promise.reject(new Error('HTTP 503'));

    await recoveryIn(world).recoverExpired();

    expect(world.tables.statusesOf(unit)).toEqual(['queued']);
    expect(world.tables.units.get(unit.reference)?.leasedUntil).toBeGreaterThan(world.tables.now);
  });
});
