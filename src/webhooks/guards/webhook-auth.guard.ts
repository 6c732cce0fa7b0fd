import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { isUUID } from 'class-validator';
import { ProviderRegistry } from '../../channels/providers/provider-registry.js';
import { NotFoundError, UnauthenticatedError, ValidationError } from '../../common/errors/domain-error.js';
import { AppConfig } from '../../config/app-config.js';
import { withStorableText } from '../../common/http/unstorable-text.middleware.js';
import { safeEqual } from '../../common/crypto/safe-equal.js';
import { lowerCaseHeaders, type WebhookHttpRequest } from '../webhook-request.js';
import { WEBHOOK_ROUTE, type WebhookRouteMetadata } from '../webhook-route.decorator.js';
import { WebhookChannelCache } from './webhook-channel.cache.js';

const EXPECTED_BODY: Record<WebhookRouteMetadata['provider'], string> = {
  'sinch-sms': 'a JSON body',
  'sinch-conversation': 'a JSON body',
  sandbox: 'a JSON body',
  plivo: 'an application/x-www-form-urlencoded body',
};

/**
 * Authenticates a provider callback before anything is stored: the channel must exist and belong
 * to the provider in the path (404), Sinch SMS URLs must carry the channel's token, and the
 * provider's signature must verify over the raw bytes (401).
 */
@Injectable()
export class WebhookAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly channels: WebhookChannelCache,
    private readonly providers: ProviderRegistry,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { provider, route } = this.reflector.get<WebhookRouteMetadata>(WEBHOOK_ROUTE, context.getHandler());
    const request = context.switchToHttp().getRequest<WebhookHttpRequest>();
    const channelId = String(request.params.channelId);
    const found = isUUID(channelId) ? await this.channels.get(channelId) : undefined;
    if (!found || found.context.provider !== provider)
      throw new NotFoundError(`${provider} channel`, channelId);

    if (provider === 'sinch-sms' && !safeEqual(String(request.params.token ?? ''), found.webhookToken)) {
      throw new UnauthenticatedError('Invalid webhook token');
    }
    if (!request.rawBody || typeof request.body !== 'object' || request.body === null) {
      throw new ValidationError(`Malformed body: expected ${EXPECTED_BODY[provider]}`);
    }
    const raw = {
      route,
      rawBody: request.rawBody,
      headers: lowerCaseHeaders(request),
      publicUrl: `${this.config.publicBaseUrl}${request.originalUrl}`,
      body: request.body as unknown,
    };
    if (!this.providers.get(found.context.provider).verifySignature(found.context, raw)) {
      throw new UnauthenticatedError('Invalid webhook signature');
    }
    // Only now that the bytes are authenticated: drop what the database cannot store (NUL, lone surrogates).
    request.webhook = {
      provider,
      channel: found.context,
      request: { ...raw, body: withStorableText(raw.body) },
    };
    return true;
  }
}
