import type { CreateChannel, ProviderKind } from './api/models';
import {
  sinchConversationConfigDtoChannelValues,
  sinchConversationConfigDtoRegionValues,
  sinchSmsConfigDtoRegionValues,
} from './api/schema';

/** The config a new channel of this provider takes, as the OpenAPI document describes it. */
type ConfigOf<K extends ProviderKind> = Extract<CreateChannel, { provider: K }>['config'];

/**
 * The config fields of each provider, named and constrained by the OpenAPI document (a field the
 * API does not know is a type error here). Secrets are write-only: typed into password inputs,
 * never shown back.
 */
export interface ConfigField<Name extends string = string> {
  name: Name;
  label: string;
  kind: 'text' | 'secret' | 'select' | 'number' | 'list' | 'origin';
  required: boolean;
  options?: readonly string[];
  help?: string;
}

const CONVERSATION_CHANNELS = sinchConversationConfigDtoChannelValues;

/** Every provider's config takes it; typed against one provider, the same for all. */
const MAX_PER_SECOND = {
  name: 'maxPerSecond',
  label: 'Sending limit (recipients per second)',
  kind: 'number',
  required: false,
  help: 'Optional: the provider’s limit for this sender or account. Campaigns, sends and replies through the channel share it, on every instance.',
} as const satisfies ConfigField<'maxPerSecond'>;

const ORIGIN_HELP =
  'Optional origin (scheme://host[:port]) replacing the provider’s host, for a proxy or regional endpoint.';

export const PROVIDER_LABELS: Record<ProviderKind, string> = {
  'sinch-sms': 'Sinch SMS',
  'sinch-conversation': 'Sinch Conversation API (WhatsApp, RCS, SMS, …)',
  plivo: 'Plivo',
  sandbox: 'Sandbox (simulated, no network)',
};

/** Every provider the API documents, in the order the labels list them. */
export const PROVIDER_KINDS = Object.keys(PROVIDER_LABELS) as ProviderKind[];

export const PROVIDER_FIELDS: { [K in ProviderKind]: Array<ConfigField<keyof ConfigOf<K> & string>> } = {
  'sinch-sms': [
    { name: 'servicePlanId', label: 'Service plan id', kind: 'text', required: true },
    { name: 'apiToken', label: 'API token', kind: 'secret', required: true },
    {
      name: 'region',
      label: 'Region',
      kind: 'select',
      required: true,
      options: sinchSmsConfigDtoRegionValues,
    },
    { name: 'baseUrl', label: 'Base URL', kind: 'origin', required: false, help: ORIGIN_HELP },
    {
      name: 'webhookSecret',
      label: 'Webhook secret',
      kind: 'secret',
      required: false,
      help: 'Optional: when set, callbacks must carry a valid Sinch HMAC signature.',
    },
    MAX_PER_SECOND,
  ],
  'sinch-conversation': [
    { name: 'projectId', label: 'Project id', kind: 'text', required: true },
    { name: 'appId', label: 'App id', kind: 'text', required: true },
    { name: 'keyId', label: 'Access key id', kind: 'text', required: true },
    { name: 'keySecret', label: 'Access key secret', kind: 'secret', required: true },
    {
      name: 'region',
      label: 'Region',
      kind: 'select',
      required: true,
      options: sinchConversationConfigDtoRegionValues,
    },
    { name: 'channel', label: 'Channel', kind: 'select', required: true, options: CONVERSATION_CHANNELS },
    {
      name: 'channelPriorityOrder',
      label: 'Channel priority order',
      kind: 'list',
      required: false,
      help: `Optional fallback list, comma-separated, from: ${CONVERSATION_CHANNELS.join(', ')}.`,
    },
    {
      name: 'smsSender',
      label: 'SMS sender',
      kind: 'text',
      required: false,
      help: 'Optional sender for the SMS channel.',
    },
    {
      name: 'webhookSecret',
      label: 'Webhook secret',
      kind: 'secret',
      required: true,
      help: 'The app’s webhook secret Sinch signs callbacks with.',
    },
    { name: 'baseUrl', label: 'Base URL', kind: 'origin', required: false, help: ORIGIN_HELP },
    {
      name: 'authUrl',
      label: 'Auth URL',
      kind: 'origin',
      required: false,
      help: 'Optional origin replacing https://auth.sinch.com.',
    },
    MAX_PER_SECOND,
  ],
  plivo: [
    { name: 'authId', label: 'Auth id', kind: 'text', required: true },
    { name: 'authToken', label: 'Auth token', kind: 'secret', required: true },
    { name: 'baseUrl', label: 'Base URL', kind: 'origin', required: false, help: ORIGIN_HELP },
    MAX_PER_SECOND,
  ],
  sandbox: [
    {
      name: 'deliveryDelayMs',
      label: 'Delivery delay (ms)',
      kind: 'number',
      required: false,
      help: 'Optional; 500 when empty.',
    },
    {
      name: 'failurePrefixes',
      label: 'Failure prefixes',
      kind: 'list',
      required: false,
      help: 'Optional, comma-separated: recipients starting with one of these fail delivery (e.g. +1555).',
    },
    MAX_PER_SECOND,
  ],
};

/** The config object to send: empty optional fields are left out, lists split, numbers parsed. */
export function configFrom(provider: ProviderKind, values: Record<string, string>): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  const fields: ConfigField[] = PROVIDER_FIELDS[provider];
  for (const field of fields) {
    const raw = (values[field.name] ?? '').trim();
    if (raw === '') continue;
    if (field.kind === 'number') config[field.name] = Number(raw);
    else if (field.kind === 'list') config[field.name] = raw.split(/[\s,;]+/).filter(Boolean);
    else if (field.kind === 'secret') config[field.name] = values[field.name];
    else config[field.name] = raw;
  }
  return config;
}
