import type { Request } from 'express';
import type {
  ChannelContext,
  ProviderKind,
  RawWebhookRequest,
} from '../channels/providers/channel-provider.interface.js';

export type WebhookRouteKind = RawWebhookRequest['route'];

/** What the webhook guard establishes about a request before the handler runs. */
export interface AuthenticatedWebhook {
  provider: ProviderKind;
  channel: ChannelContext;
  request: RawWebhookRequest;
}

export type WebhookHttpRequest = Request & { rawBody?: Buffer; webhook?: AuthenticatedWebhook };

export function lowerCaseHeaders(request: Request): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}
