import type { ProviderKind, WebhookUrls } from './providers/channel-provider.interface.js';

const WEBHOOKS_PATH = '/api/v1/webhooks';

/** The absolute URLs to paste into the provider's dashboard (built from PUBLIC_BASE_URL). */
export function webhookUrlsFor(
  publicBaseUrl: string,
  channel: { id: string; provider: ProviderKind; webhookToken: string },
): WebhookUrls {
  const base = `${publicBaseUrl}${WEBHOOKS_PATH}`;
  switch (channel.provider) {
    case 'sinch-sms':
      return { callback: `${base}/sinch-sms/${channel.id}/${channel.webhookToken}` };
    case 'sinch-conversation':
      return { callback: `${base}/sinch-conversation/${channel.id}` };
    case 'plivo':
      return { inbound: `${base}/plivo/${channel.id}/inbound`, status: `${base}/plivo/${channel.id}/status` };
    case 'sandbox':
      return { callback: `${base}/sandbox/${channel.id}` };
  }
}
