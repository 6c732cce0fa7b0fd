import type { CampaignStatus, MessageStatus } from '../api/models';

const MESSAGE_STATUS_LABELS: Record<MessageStatus, string> = {
  queued: 'Queued',
  held: 'Held (outside send window)',
  skipped: 'Skipped',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Failed',
  rejected: 'Rejected',
  received: 'Received',
};

const CAMPAIGN_STATUS_LABELS: Record<CampaignStatus, string> = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  sending: 'Sending',
  paused: 'Paused',
  completed: 'Completed',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

function messageStatusLabel(status: MessageStatus): string {
  return MESSAGE_STATUS_LABELS[status];
}

export function campaignStatusLabel(status: CampaignStatus): string {
  return CAMPAIGN_STATUS_LABELS[status];
}

/** Colour is never the only signal: the badge always carries the word. */
export function MessageStatusBadge({ status }: { status: MessageStatus }) {
  return <span class={`badge status-${status}`}>{messageStatusLabel(status)}</span>;
}

export function CampaignStatusBadge({ status }: { status: CampaignStatus }) {
  return <span class={`badge campaign-${status}`}>{campaignStatusLabel(status)}</span>;
}
