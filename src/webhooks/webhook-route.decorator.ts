import {
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import type { ProviderKind } from '../channels/providers/channel-provider.interface.js';
import { Public } from '../auth/decorators/public.decorator.js';
import { WebhookAuthGuard } from './guards/webhook-auth.guard.js';
import type { AuthenticatedWebhook, WebhookHttpRequest, WebhookRouteKind } from './webhook-request.js';

export const WEBHOOK_ROUTE = 'webhooks:route';

export interface WebhookRouteMetadata {
  provider: ProviderKind;
  route: WebhookRouteKind;
}

/** A provider callback route: public, authenticated by the channel's token or signature instead. */
export function WebhookRoute(provider: ProviderKind, route: WebhookRouteKind) {
  return applyDecorators(
    Public(),
    SetMetadata(WEBHOOK_ROUTE, { provider, route } satisfies WebhookRouteMetadata),
    UseGuards(WebhookAuthGuard),
  );
}

export const Webhook = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedWebhook => {
    const webhook = context.switchToHttp().getRequest<WebhookHttpRequest>().webhook;
    if (!webhook) throw new Error('@Webhook() used on a route without @WebhookRoute()');
    return webhook;
  },
);
