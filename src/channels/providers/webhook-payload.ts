import { CONVERSATION_CHANNELS, type ConversationChannel } from './channel-provider.interface.js';
import { WebhookPayloadError } from './provider-errors.js';

/** Readers for untrusted webhook bodies: each names the field it rejects, for the 400 answer. */

export type Fields = Record<string, unknown>;

export function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireFields(value: unknown, what: string): Fields {
  if (!isFields(value)) throw new WebhookPayloadError(`${what} is not an object`);
  return value;
}

export function optionalFields(fields: Fields, key: string): Fields | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  return requireFields(value, key);
}

export function requireString(fields: Fields, key: string): string {
  const value = fields[key];
  if (typeof value !== 'string' || value.trim() === '')
    throw new WebhookPayloadError(`${key} is missing or not a string`);
  return value;
}

export function optionalString(fields: Fields, key: string): string | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new WebhookPayloadError(`${key} is not a string`);
  return value === '' ? undefined : value;
}

export function optionalArray(fields: Fields, key: string): unknown[] | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new WebhookPayloadError(`${key} is not an array`);
  return value as unknown[];
}

/** An ISO-8601 (or Plivo's `YYYY-mm-dd HH:MM:SS.ffffff`, UTC) timestamp; undefined when absent or unreadable. */
export function parseTimestamp(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const plivoForm = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d{1,3})?\d*$/.exec(value);
  const iso = plivoForm ? `${plivoForm[1]}T${plivoForm[2]}${plivoForm[3] ?? ''}Z` : value;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Providers write international numbers without the leading `+` (Sinch may, Plivo always does).
 * Anything shaped like an international number (7 to 15 digits) gets the `+`; short codes, sender
 * names and non-phone identities are returned unchanged.
 */
export function toE164(number: string): string {
  const trimmed = number.trim();
  return /^\+?\d{7,15}$/.test(trimmed) ? `+${trimmed.replace(/^\+/, '')}` : trimmed;
}

export function asConversationChannel(value: string | undefined): ConversationChannel | undefined {
  return CONVERSATION_CHANNELS.find((channel) => channel === value);
}
