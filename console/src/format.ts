import type { ConversationContact, MessageContent } from './api/models';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

export function formatDateTime(iso: string | null): string {
  return iso ? dateTime.format(new Date(iso)) : '—';
}

/** Today's times without the date, older ones with it. */
export function formatWhen(iso: string): string {
  const date = new Date(iso);
  return date.toDateString() === new Date().toDateString() ? timeOnly.format(date) : dateTime.format(date);
}

export function contactName(
  contact: Partial<Pick<ConversationContact, 'name' | 'firstName' | 'lastName' | 'phone'>>,
): string {
  const fullName = [contact.firstName, contact.lastName].filter(Boolean).join(' ');
  return contact.name || fullName || contact.phone || 'Unknown contact';
}

export function contentSummary(content: MessageContent): string {
  switch (content.kind) {
    case 'text':
      return content.text ?? '';
    case 'template':
      return `Template ${content.template?.id ?? ''}`;
    case 'media':
      return content.media?.caption ?? content.media?.url ?? 'Media';
  }
}

export function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/** "vip, spring 2026" → ["vip", "spring 2026"]. */
export function splitList(value: string): string[] {
  return value
    .split(/[,;\n]/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}
