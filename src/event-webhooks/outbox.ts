/**
 * The outbox of event webhooks: SQL that callers put into the very statement (or transaction) that
 * makes a change, so an event exists exactly when its change committed. Events are only written
 * while some enabled endpoint subscribes to their type, so a deployment without endpoints pays
 * one index-free EXISTS on a tiny table per change and nothing else.
 */

const EVENT_TYPES = [
  'message.received',
  'message.status',
  'contact.opted_out',
  'contact.opted_in',
  'campaign.status',
  'conversation.assigned',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** What an endpoint's `events` may hold: event types, or `*` for all of them. */
export const EVENT_FILTERS = ['*', ...EVENT_TYPES] as const;
export type EventFilter = (typeof EVENT_FILTERS)[number];

/** An ISO-8601 UTC string with milliseconds, as `Date.toISOString()` writes it. */
const iso = (expression: string) =>
  `to_char(${expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A `messages` row as the API returns it (MessageDto). */
export const messageJson = (m: string) => `jsonb_build_object(
  'id', ${m}.id, 'direction', ${m}.direction, 'channelId', ${m}.channel_id, 'contactId', ${m}.contact_id,
  'conversationId', ${m}.conversation_id, 'campaignId', ${m}.campaign_id, 'address', ${m}.recipient,
  'content', ${m}.content, 'status', ${m}.status, 'statusReason', ${m}.status_reason, 'errorCode', ${m}.error_code,
  'providerMessageId', coalesce(${m}.provider_message_id, ${m}.provider_batch_id),
  'clientReference', coalesce(${m}.client_reference, ${m}.batch_reference), 'attempts', ${m}.attempts,
  'createdAt', ${iso(`${m}.created_at`)}, 'statusUpdatedAt', ${iso(`${m}.status_updated_at`)})`;

/** A `contacts` row as the API returns it (ContactDto). */
export const contactJson = (c: string) => `jsonb_build_object(
  'id', ${c}.id, 'phone', ${c}.phone, 'name', ${c}.name, 'firstName', ${c}.first_name, 'lastName', ${c}.last_name,
  'attributes', ${c}.attributes, 'tags', to_jsonb(${c}.tags), 'optedOut', ${c}.opted_out_at IS NOT NULL,
  'optedOutAt', ${iso(`${c}.opted_out_at`)}, 'whatsappWindowExpiresAt', ${iso(`${c}.wa_window_expires_at`)},
  'createdAt', ${iso(`${c}.created_at`)}, 'updatedAt', ${iso(`${c}.updated_at`)})`;

/** A `campaigns` row: the campaign's own fields (its `stats` are a query away, GET /campaigns/:id). */
export const campaignJson = (c: string) => `jsonb_build_object(
  'id', ${c}.id, 'name', ${c}.name, 'channelId', ${c}.channel_id, 'status', ${c}.status,
  'failureReason', ${c}.failure_reason, 'scheduledAt', ${iso(`${c}.scheduled_at`)},
  'startedAt', ${iso(`${c}.started_at`)}, 'completedAt', ${iso(`${c}.completed_at`)},
  'createdAt', ${iso(`${c}.created_at`)}, 'updatedAt', ${iso(`${c}.updated_at`)})`;

/** A `conversations` row (ConversationDto without the contact, which is a query away), and who had it before. */
export const conversationJson = (c: string) => `jsonb_build_object(
  'id', ${c}.id, 'contactId', ${c}.contact_id, 'channelId', ${c}.channel_id, 'status', ${c}.status,
  'assigneeId', ${c}.assignee_id, 'previousAssigneeId', ${c}.previous_assignee_id,
  'snoozedUntil', ${iso(`${c}.snoozed_until`)}, 'lastMessageAt', ${iso(`${c}.last_message_at`)},
  'lastMessagePreview', ${c}.last_message_preview, 'unreadCount', ${c}.unread_count,
  'createdAt', ${iso(`${c}.created_at`)}, 'updatedAt', ${iso(`${c}.updated_at`)})`;

/**
 * `INSERT … SELECT` of one event of `type` per row of `source` (a table expression, usually a CTE
 * holding the rows an UPDATE or INSERT returned), skipped entirely when no enabled endpoint listens.
 * `type` must be a literal EventType: it is written into the SQL.
 */
export function outboxInsert(type: EventType, source: string, data: string, where = 'true'): string {
  return `INSERT INTO outbound_events (type, data)
    SELECT '${type}', ${data} FROM ${source}
     WHERE (${where}) AND EXISTS (
       SELECT 1 FROM webhook_endpoints e WHERE e.enabled AND e.events && ARRAY['${type}', '*']::text[])`;
}
