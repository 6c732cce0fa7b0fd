import type { ProviderKind } from './api/types';

/**
 * The config fields of each provider, exactly as the API contract names them
 * (src/channels/dto/provider-config.dto.ts). Secrets are write-only: typed into password inputs,
 * never shown back.
 */
export interface ConfigField {
  name: string;
  label: string;
  kind: 'text' | 'secret' | 'select' | 'number' | 'list' | 'origin';
  required: boolean;
  options?: readonly string[];
  help?: string;
}

const SINCH_SMS_REGIONS = ['us', 'eu', 'au', 'br', 'ca'] as const;
const SINCH_CONVERSATION_REGIONS = ['us', 'eu', 'br'] as const;
export const CONVERSATION_CHANNELS = [
  'WHATSAPP',
  'SMS',
  'RCS',
  'MMS',
  'VIBERBM',
  'MESSENGER',
  'INSTAGRAM',
  'TELEGRAM',
  'KAKAOTALK',
  'LINE',
  'WECHAT',
] as const;

const ORIGIN_HELP =
  'Optional origin (scheme://host[:port]) replacing the provider’s host, for a proxy or regional endpoint.';

export const PROVIDER_LABELS: Record<ProviderKind, string> = {
  'sinch-sms': 'Sinch SMS',
  'sinch-conversation': 'Sinch Conversation API (WhatsApp, RCS, SMS, …)',
  plivo: 'Plivo',
  sandbox: 'Sandbox (simulated, no network)',
};

export const PROVIDER_FIELDS: Record<ProviderKind, ConfigField[]> = {
  'sinch-sms': [
    { name: 'servicePlanId', label: 'Service plan id', kind: 'text', required: true },
    { name: 'apiToken', label: 'API token', kind: 'secret', required: true },
    { name: 'region', label: 'Region', kind: 'select', required: true, options: SINCH_SMS_REGIONS },
    { name: 'baseUrl', label: 'Base URL', kind: 'origin', required: false, help: ORIGIN_HELP },
    {
      name: 'webhookSecret',
      label: 'Webhook secret',
      kind: 'secret',
      required: false,
      help: 'Optional: when set, callbacks must carry a valid Sinch HMAC signature.',
    },
  ],
  'sinch-conversation': [
    { name: 'projectId', label: 'Project id', kind: 'text', required: true },
    { name: 'appId', label: 'App id', kind: 'text', required: true },
    { name: 'keyId', label: 'Access key id', kind: 'text', required: true },
    { name: 'keySecret', label: 'Access key secret', kind: 'secret', required: true },
    { name: 'region', label: 'Region', kind: 'select', required: true, options: SINCH_CONVERSATION_REGIONS },
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
  ],
  plivo: [
    { name: 'authId', label: 'Auth id', kind: 'text', required: true },
    { name: 'authToken', label: 'Auth token', kind: 'secret', required: true },
    { name: 'baseUrl', label: 'Base URL', kind: 'origin', required: false, help: ORIGIN_HELP },
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
  ],
};

/** The config object to send: empty optional fields are left out, lists split, numbers parsed. */
export function configFrom(provider: ProviderKind, values: Record<string, string>): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const field of PROVIDER_FIELDS[provider]) {
    const raw = (values[field.name] ?? '').trim();
    if (raw === '') continue;
    if (field.kind === 'number') config[field.name] = Number(raw);
    else if (field.kind === 'list') config[field.name] = raw.split(/[\s,;]+/).filter(Boolean);
    else if (field.kind === 'secret') config[field.name] = values[field.name];
    else config[field.name] = raw;
  }
  return config;
}
