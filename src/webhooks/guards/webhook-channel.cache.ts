import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { ChannelChangeFeed } from '../../channels/channel-change-feed.js';
import { ChannelsService } from '../../channels/channels.service.js';
import type { ChannelContext } from '../../channels/providers/channel-provider.interface.js';

/** How long a channel's decrypted webhook context is reused: the bound on how stale another instance's copy can be. */
export const WEBHOOK_CHANNEL_TTL_MS = 5_000;

export interface WebhookChannel {
  context: ChannelContext;
  webhookToken: string;
}

interface Entry {
  loaded: Promise<WebhookChannel | undefined>;
  expiresAt: number;
}

/**
 * The channels webhooks are verified against, decrypted once and kept for a few seconds instead of
 * being read and decrypted on every callback. A change made on this instance drops the copy at once;
 * one made on another instance is seen when the copy expires. Concurrent misses share one load;
 * unknown channels and failed loads are not kept.
 */
@Injectable()
export class WebhookChannelCache implements OnModuleDestroy {
  private readonly entries = new Map<string, Entry>();
  private readonly subscription: Subscription;

  constructor(
    private readonly channels: ChannelsService,
    changeFeed: ChannelChangeFeed,
  ) {
    this.subscription = changeFeed.changed.subscribe((channelId) => this.entries.delete(channelId));
  }

  get(channelId: string): Promise<WebhookChannel | undefined> {
    const cached = this.entries.get(channelId);
    if (cached && cached.expiresAt > Date.now()) return cached.loaded;
    const entry: Entry = {
      loaded: this.channels.webhookContext(channelId),
      expiresAt: Date.now() + WEBHOOK_CHANNEL_TTL_MS,
    };
    this.entries.set(channelId, entry);
    const forget = () => {
      if (this.entries.get(channelId) === entry) this.entries.delete(channelId);
    };
    entry.loaded.then((found) => {
      if (!found) forget();
    }, forget);
    return entry.loaded;
  }

  onModuleDestroy(): void {
    this.subscription.unsubscribe();
  }
}
