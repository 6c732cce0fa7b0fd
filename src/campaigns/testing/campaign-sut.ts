import type { ChannelsService } from '../../channels/channels.service.js';
import type { AppConfig } from '../../config/app-config.js';
import type { CampaignMessagesRepository } from '../../conversations/campaign-messages.repository.js';
import { MetricsService } from '../../health/metrics.service.js';
import type { CampaignAudienceService } from '../campaign-audience.service.js';
import type { CampaignBatchesRepository } from '../campaign-batches.repository.js';
import { CampaignDispatcher } from '../campaign-dispatcher.service.js';
import { CampaignRecoveryService } from '../campaign-recovery.service.js';
import { CampaignSender } from '../campaign-sender.service.js';
import type { CampaignsRepository } from '../campaigns.repository.js';
import type { HeldRecipientsService } from '../held-recipients.service.js';
import {
  CampaignTables,
  FakeBatchProvider,
  FakeCampaignBatches,
  FakeCampaignMessages,
  FakeCampaigns,
  FakeChannels,
  registryOf,
  unlimitedBudget,
} from './campaign-fakes.js';

const config = { campaignLeaseSeconds: 30, campaignDispatchIntervalMs: 1_000 } as AppConfig;

/** The in-memory world a campaign service test runs against. */
export interface CampaignWorld {
  tables: CampaignTables;
  provider: FakeBatchProvider;
  channels: FakeChannels;
  metrics: MetricsService;
}

export function campaignWorld(): CampaignWorld {
  return {
    tables: new CampaignTables(),
    provider: new FakeBatchProvider(),
    channels: new FakeChannels(),
    metrics: new MetricsService(),
  };
}

export function senderIn(world: CampaignWorld): CampaignSender {
  return new CampaignSender(
    new FakeCampaignBatches(world.tables) as unknown as CampaignBatchesRepository,
    new FakeCampaignMessages(world.tables) as unknown as CampaignMessagesRepository,
    registryOf(world.provider),
    world.metrics,
    config,
    unlimitedBudget,
  );
}

export function recoveryIn(world: CampaignWorld): CampaignRecoveryService {
  return new CampaignRecoveryService(
    new FakeCampaignBatches(world.tables) as unknown as CampaignBatchesRepository,
    new FakeCampaignMessages(world.tables) as unknown as CampaignMessagesRepository,
    world.channels as unknown as ChannelsService,
    registryOf(world.provider),
  );
}

/**
 * The dispatcher over audiences already materialised (the tables hold their units), unless an
 * `audience` says otherwise, and no send windows.
 */
export function dispatcherIn(
  world: CampaignWorld,
  audience: Pick<CampaignAudienceService, 'materialiseChunk'> = {
    materialiseChunk: () => Promise.resolve(undefined),
  },
): CampaignDispatcher {
  const noneHeld = { releaseDue: () => Promise.resolve(0) };
  return new CampaignDispatcher(
    config,
    new FakeCampaigns(world.tables) as unknown as CampaignsRepository,
    new FakeCampaignMessages(world.tables) as unknown as CampaignMessagesRepository,
    world.channels as unknown as ChannelsService,
    audience as CampaignAudienceService,
    senderIn(world),
    recoveryIn(world),
    noneHeld as unknown as HeldRecipientsService,
  );
}
