import { contactJson, outboxInsert } from '../../event-webhooks/outbox.js';

/** Who or what changed a contact's consent: recorded with the change in `consent_events`. */
export type ConsentOrigin =
  | { source: 'keyword'; channelId: string; keyword: string; messageId: string }
  | { source: 'api'; userId: string }
  | { source: 'provider'; channelId: string; messageId?: string };

export type ConsentAction = 'opt_out' | 'opt_in';

/**
 * One statement that changes a contact's consent, appends the ledger row and clears any free-text
 * opt-out flag on its conversations, so the three can never disagree (a single statement is one
 * transaction). Contacts owns it, consent being its change; the `conversations` flag is written here
 * rather than through ConversationsRepository to keep it one statement.
 * Parameters: $1 contact id, then originParams(). `$extraWhere` narrows the update.
 */
export function consentChangeSql(optedOut: boolean, extraWhere = ''): string {
  const set = optedOut
    ? `opted_out_at = COALESCE(c.opted_out_at, now()), updated_at = now()`
    : `opted_out_at = NULL, updated_at = now()`;
  // The event for integrations goes out only when the state really changed; the ledger records every request.
  return `
    WITH before AS (
      SELECT id, opted_out_at IS NOT NULL AS was_opted_out FROM contacts
       WHERE id = $1 ${extraWhere} FOR UPDATE),
    changed AS (
      UPDATE contacts c SET ${set} FROM before b WHERE c.id = b.id RETURNING c.*, b.was_opted_out),
    flags AS (
      UPDATE conversations SET opt_out_requested_at = NULL
       WHERE contact_id IN (SELECT id FROM changed) AND opt_out_requested_at IS NOT NULL),
    event AS (${outboxInsert(
      optedOut ? 'contact.opted_out' : 'contact.opted_in',
      'changed c',
      contactJson('c'),
      optedOut ? 'NOT c.was_opted_out' : 'c.was_opted_out',
    )})
    INSERT INTO consent_events (contact_id, action, source, channel_id, keyword, message_id, user_id)
    SELECT id, '${optedOut ? 'opt_out' : 'opt_in'}', $2, $3::uuid, $4, $5::uuid, $6::uuid FROM changed
    RETURNING contact_id AS id`;
}

export function originParams(origin: ConsentOrigin): unknown[] {
  switch (origin.source) {
    case 'keyword':
      return [origin.source, origin.channelId, origin.keyword, origin.messageId, null];
    case 'api':
      return [origin.source, null, null, null, origin.userId];
    case 'provider':
      return [origin.source, origin.channelId, null, origin.messageId ?? null, null];
  }
}
