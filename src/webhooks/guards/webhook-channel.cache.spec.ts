import { ChannelChangeFeed } from '../../channels/channel-change-feed.js';
import type { ChannelsService } from '../../channels/channels.service.js';
import type { ChannelContext } from '../../channels/providers/channel-provider.interface.js';
import { WEBHOOK_CHANNEL_TTL_MS, type WebhookChannel, WebhookChannelCache } from './webhook-channel.cache.js';

const CHANNEL_ID = '5b0c3a52-8f1e-4b7a-9c3d-2e1f0a9b8c7d';

/** A stand-in for the channels table: what webhookContext would read and decrypt, and how often it was asked. */
class ChannelsTable {
  loads = 0;
  secret: string | undefined = 'first-secret';

  webhookContext(id: string): Promise<WebhookChannel | undefined> {
    this.loads += 1;
    if (this.secret === undefined) return Promise.resolve(undefined);
    const context = {
      id,
      provider: 'sinch-conversation',
      sender: '+12025550142',
      config: { webhookSecret: this.secret },
      webhookUrls: {},
    };
    return Promise.resolve({ context: context as unknown as ChannelContext, webhookToken: 'token' });
  }
}

const secretOf = (found: WebhookChannel | undefined) =>
  (found?.context.config as { webhookSecret?: string } | undefined)?.webhookSecret;

describe('WebhookChannelCache', () => {
  let table: ChannelsTable;
  let feed: ChannelChangeFeed;
  let sut: WebhookChannelCache;

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-11-23T08:00:00Z') });
    table = new ChannelsTable();
    feed = new ChannelChangeFeed();
    sut = new WebhookChannelCache(table as unknown as ChannelsService, feed);
  });
  afterEach(() => {
    sut.onModuleDestroy();
    jest.useRealTimers();
  });

  it('reads a channel once for the callbacks of the next few seconds', async () => {
    await sut.get(CHANNEL_ID);
    jest.advanceTimersByTime(WEBHOOK_CHANNEL_TTL_MS - 1);
    await sut.get(CHANNEL_ID);

    expect(table.loads).toBe(1);
  });

  it('reads it again once the copy has expired, seeing a change made elsewhere', async () => {
    await sut.get(CHANNEL_ID);
    table.secret = 'rotated-on-another-instance';
    jest.advanceTimersByTime(WEBHOOK_CHANNEL_TTL_MS);

    expect(secretOf(await sut.get(CHANNEL_ID))).toBe('rotated-on-another-instance');
    expect(table.loads).toBe(2);
  });

  it('drops the copy at once when the channel changes on this instance', async () => {
    await sut.get(CHANNEL_ID);
    table.secret = 'rotated-here';

    feed.announce(CHANNEL_ID);

    expect(secretOf(await sut.get(CHANNEL_ID))).toBe('rotated-here');
  });

  it('shares one read between callbacks that arrive together', async () => {
    const [first, second] = await Promise.all([sut.get(CHANNEL_ID), sut.get(CHANNEL_ID)]);

    expect(first).toBe(second);
    expect(table.loads).toBe(1);
  });

  it('does not remember that a channel was missing, so one created next is found', async () => {
    table.secret = undefined;
    expect(await sut.get(CHANNEL_ID)).toBeUndefined();

    table.secret = 'created-since';

    expect(secretOf(await sut.get(CHANNEL_ID))).toBe('created-since');
  });

  it('does not remember a failed read', async () => {
    const failing = jest
      .spyOn(table, 'webhookContext')
      .mockRejectedValueOnce(new Error('database unavailable'));
    await expect(sut.get(CHANNEL_ID)).rejects.toThrow('database unavailable');
    failing.mockRestore();

    expect(secretOf(await sut.get(CHANNEL_ID))).toBe('first-secret');
  });
});
