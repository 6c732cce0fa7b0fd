import { Inject, Injectable } from '@nestjs/common';
import type { ChannelProvider, ProviderKind } from './channel-provider.interface.js';

/** The multi-provider injection token: every ChannelProvider strategy, as an array. */
export const CHANNEL_PROVIDERS = Symbol('CHANNEL_PROVIDERS');

/** Picks the provider strategy for a channel by its `provider` kind. */
@Injectable()
export class ProviderRegistry {
  private readonly byKind: Map<ProviderKind, ChannelProvider>;

  constructor(@Inject(CHANNEL_PROVIDERS) providers: ChannelProvider[]) {
    this.byKind = new Map(providers.map((provider) => [provider.kind, provider]));
  }

  get<K extends ProviderKind>(kind: K): ChannelProvider<K> {
    const provider = this.byKind.get(kind);
    if (!provider) throw new Error(`No provider strategy registered for "${kind}"`);
    return provider as unknown as ChannelProvider<K>;
  }
}
