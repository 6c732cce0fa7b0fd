import { useEffect, useState } from 'preact/hooks';

import { channelsApi } from './api/endpoints';
import type { Channel } from './api/models';

let cached: Promise<Channel[]> | undefined;

/** Channels change rarely: read once per page load, again after the console changes one. */
function loadChannels(): Promise<Channel[]> {
  cached ??= channelsApi.list().then(
    (page) => page.items,
    (error: unknown) => {
      cached = undefined;
      throw error;
    },
  );
  return cached;
}

export function forgetChannels(): void {
  cached = undefined;
}

export function useChannels(): Channel[] | undefined {
  const [channels, setChannels] = useState<Channel[]>();
  useEffect(() => {
    let current = true;
    loadChannels().then(
      (loaded) => current && setChannels(loaded),
      () => current && setChannels([]),
    );
    return () => {
      current = false;
    };
  }, []);
  return channels;
}

export function isWhatsApp(channel: Channel | undefined): boolean {
  return channel?.provider === 'sinch-conversation' && channel.config.channel === 'WHATSAPP';
}

export function channelLabel(channel: Channel | undefined): string {
  return channel
    ? `${channel.name} (${channel.provider}${channel.disabled ? ', disabled' : ''})`
    : 'Unknown channel';
}
