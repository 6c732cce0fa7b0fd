import { parseCampaignText, renderSql } from './campaign-text.js';
import type { CampaignAudience, CampaignMessage } from './campaign.entity.js';

/**
 * Whether the contact `alias` already received `$max` campaign messages (any campaign) in the last
 * `$hours` hours; false when `$max` is null. At most `max` rows are read per contact, from the
 * partial (contact_id, status_updated_at) index of sent campaign messages.
 */
export function frequencyCappedSql(alias: string, maxParam: number, hoursParam: number): string {
  return `($${maxParam}::int IS NOT NULL AND (
    SELECT count(*) FROM (
      SELECT 1 FROM messages s
       WHERE s.contact_id = ${alias}.id AND s.campaign_id IS NOT NULL
         AND s.status IN ('sent', 'delivered', 'read')
         AND s.status_updated_at > now() - make_interval(hours => $${hoursParam}::int)
       LIMIT $${maxParam}::int) recent) >= $${maxParam}::int)`;
}

export function audienceSql(audience: CampaignAudience, alias: string, params: unknown[]): string {
  if ('contactIds' in audience) {
    params.push(audience.contactIds);
    return `${alias}.id = ANY($${params.length}::uuid[])`;
  }
  if ('tags' in audience) {
    params.push(audience.tags);
    return `${alias}.tags && $${params.length}::text[]`;
  }
  return 'TRUE';
}

export function sendableSql(alias: string): string {
  return `${alias}.erased_at IS NULL AND ${alias}.phone IS NOT NULL AND ${alias}.opted_out_at IS NULL`;
}

/** The message content (jsonb) for the contact `alias`, its text rendered per contact. */
export function contentSql(message: CampaignMessage, alias: string, params: unknown[]): string {
  if (message.kind === 'template') {
    params.push(JSON.stringify(message));
    return `$${params.length}::jsonb`;
  }
  return `jsonb_build_object('kind', 'text', 'text', ${renderSql(parseCampaignText(message.text), alias, params)})`;
}
