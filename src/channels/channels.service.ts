import { randomBytes } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';

import { SecretBox } from '../common/crypto/secret-box.js';
import { NotFoundError } from '../common/errors/domain-error.js';
import { newestFirstPage, newestFirstRows, type Page } from '../common/pagination/page.js';
import { toE164OrThrow } from '../common/phone/phone-number.js';
import { AppConfig } from '../config/app-config.js';
import { Channel } from './channel.entity.js';
import { ChannelChangeFeed } from './channel-change-feed.js';
import { validateChannelConfig } from './channel-config.validation.js';
import { ChannelDisabledError, InboundSimulationUnsupportedError } from './channel-errors.js';
import { MASK_PREFIX, maskedConfig, splitSecrets } from './channel-secrets.js';
import type { ChannelContext, ProviderKind, WebhookUrls } from './providers/channel-provider.interface.js';
import { ProviderRegistry } from './providers/provider-registry.js';
import { webhookUrlsFor } from './webhook-urls.js';

export interface NewChannel {
  name: string;
  provider: ProviderKind;
  sender: string;
  config: Record<string, unknown>;
}

export interface ChannelChanges {
  name?: string;
  sender?: string;
  config?: Record<string, unknown>;
}

/** What the API shows of a channel: secrets masked. */
export interface ChannelView {
  id: string;
  name: string;
  provider: ProviderKind;
  sender: string;
  config: Record<string, unknown>;
  webhookUrls: WebhookUrls;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

@Injectable()
export class ChannelsService {
  constructor(
    @InjectRepository(Channel) private readonly channels: Repository<Channel>,
    private readonly secretBox: SecretBox,
    private readonly providers: ProviderRegistry,
    private readonly config: AppConfig,
    private readonly changeFeed: ChannelChangeFeed,
  ) {}

  async create(input: NewChannel): Promise<ChannelView> {
    const config = { ...validateChannelConfig(input.provider, input.config) } as Record<string, unknown>;
    if (input.provider === 'sandbox') config.webhookSecret = randomBytes(32).toString('base64url');
    const { plain, secrets } = splitSecrets(input.provider, config);
    const channel = await this.channels.save(
      this.channels.create({
        name: input.name.trim(),
        provider: input.provider,
        sender: normaliseSender(input.sender),
        config: plain,
        encryptedSecrets: this.secretBox.sealJson(secrets),
        webhookToken: randomBytes(24).toString('base64url'),
      }),
    );
    return this.view(channel);
  }

  async list(limit: number, cursor?: string): Promise<Page<ChannelView>> {
    return newestFirstPage(await newestFirstRows(this.channels, limit, cursor), limit, (c) => this.view(c));
  }

  async get(id: string): Promise<ChannelView> {
    return this.view(await this.find(id));
  }

  async update(id: string, changes: ChannelChanges): Promise<ChannelView> {
    const channel = await this.find(id);
    if (changes.config) {
      const current = { ...channel.config, ...this.secretsOf(channel) };
      const merged = { ...current, ...withoutEchoedMasks(changes.config) };
      const validated = {
        ...validateChannelConfig(channel.provider, stripGenerated(channel.provider, merged)),
      } as Record<string, unknown>;
      if (channel.provider === 'sandbox') validated.webhookSecret = current.webhookSecret;
      const { plain, secrets } = splitSecrets(channel.provider, validated);
      channel.config = plain;
      channel.encryptedSecrets = this.secretBox.sealJson(secrets);
    }
    if (changes.name !== undefined) channel.name = changes.name.trim();
    if (changes.sender !== undefined) channel.sender = normaliseSender(changes.sender);
    channel.updatedAt = new Date();
    const saved = await this.channels.save(channel);
    this.changeFeed.announce(id);
    return this.view(saved);
  }

  /** Disables rather than deletes: history keeps pointing at it and it stays readable. */
  async disable(id: string): Promise<void> {
    const channel = await this.find(id);
    if (!channel.disabledAt)
      await this.channels.update({ id }, { disabledAt: new Date(), updatedAt: new Date() });
    this.changeFeed.announce(id);
  }

  async verify(id: string): Promise<{ ok: boolean; detail: string }> {
    const context = this.contextOf(await this.find(id));
    return this.providers.get(context.provider).verifyCredentials(context);
  }

  /** Makes a sandbox channel receive a message, through its signed webhook like a real provider's. */
  async simulateInbound(id: string, from: string, text: string): Promise<string> {
    const context = await this.activeContext(id);
    const provider = this.providers.get(context.provider);
    if (!provider.simulateInbound) throw new InboundSimulationUnsupportedError();
    return provider.simulateInbound(context, toE164OrThrow(from, 'from'), text);
  }

  /** The channel as its provider needs it, secrets decrypted. 404 unknown, 409 disabled. */
  async activeContext(id: string): Promise<ChannelContext> {
    const channel = await this.find(id);
    if (channel.disabledAt) throw new ChannelDisabledError(id);
    return this.contextOf(channel);
  }

  /** For webhooks: an existing channel, disabled or not (late reports still count), or undefined. */
  async webhookContext(id: string): Promise<{ context: ChannelContext; webhookToken: string } | undefined> {
    const channel = await this.channels.findOneBy({ id });
    return channel ? { context: this.contextOf(channel), webhookToken: channel.webhookToken } : undefined;
  }

  private contextOf(channel: Channel): ChannelContext {
    return {
      id: channel.id,
      provider: channel.provider,
      sender: channel.sender,
      config: { ...channel.config, ...this.secretsOf(channel) },
      webhookUrls: webhookUrlsFor(this.config.publicBaseUrl, channel),
    };
  }

  private async find(id: string): Promise<Channel> {
    const channel = await this.channels.findOneBy({ id });
    if (!channel) throw new NotFoundError('Channel', id);
    return channel;
  }

  private secretsOf(channel: Channel): Record<string, string> {
    return this.secretBox.openJson<Record<string, string>>(channel.encryptedSecrets);
  }

  private view(channel: Channel): ChannelView {
    return {
      id: channel.id,
      name: channel.name,
      provider: channel.provider,
      sender: channel.sender,
      config: maskedConfig(channel.provider, channel.config, this.secretsOf(channel)),
      webhookUrls: webhookUrlsFor(this.config.publicBaseUrl, channel),
      disabled: channel.disabledAt !== null,
      createdAt: channel.createdAt.toISOString(),
      updatedAt: channel.updatedAt.toISOString(),
    };
  }
}

/** Phone-number senders are stored in E.164; short codes and alphanumeric sender ids as given. */
function normaliseSender(sender: string): string {
  const trimmed = sender.trim();
  const digits = trimmed.replace(/[\s().-]/g, '');
  if (/^\+?\d{7,15}$/.test(digits))
    return toE164OrThrow(digits.startsWith('+') ? digits : `+${digits}`, 'sender');
  return trimmed;
}

/** A frontend that sends back what GET showed must not overwrite a secret with its mask. */
function withoutEchoedMasks(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).filter(
      ([, value]) => !(typeof value === 'string' && value.startsWith(MASK_PREFIX)),
    ),
  );
}

function stripGenerated(provider: ProviderKind, config: Record<string, unknown>): Record<string, unknown> {
  if (provider !== 'sandbox') return config;
  const { webhookSecret: _generated, ...rest } = config;
  return rest;
}
