import { useState } from 'preact/hooks';

import { campaignsApi } from '../api/endpoints';
import type { Campaign, CampaignAudience, CampaignStatus } from '../api/models';
import { channelLabel, useChannels } from '../channels-cache';
import { ErrorAlert, Loading } from '../components/feedback';
import { FunnelTable } from '../components/funnel-chart';
import { PageHeading } from '../components/page-heading';
import { ProgressBar } from '../components/progress-bar';
import { CampaignStatusBadge, campaignStatusLabel } from '../components/status-badge';
import { formatDateTime } from '../format';
import { useAction, useInterval, useLoad } from '../hooks';
import { Link } from '../router';

/** While a campaign is due or going out its counters move: re-read it this often. */
const POLL_MS = 1000;
const FINAL: CampaignStatus[] = ['completed', 'cancelled', 'failed'];

/** Which actions the state machine allows from each status (src/campaigns/campaign-state.ts). */
const allowed = {
  schedule: (status: CampaignStatus) => status === 'draft',
  pause: (status: CampaignStatus) => status === 'scheduled' || status === 'sending',
  resume: (status: CampaignStatus) => status === 'paused',
  cancel: (status: CampaignStatus) => !FINAL.includes(status),
};

export function CampaignDetail({ id }: { id: string }) {
  const loaded = useLoad(() => campaignsApi.get(id), [id]);
  const channels = useChannels();
  const [pollError, setPollError] = useState<unknown>();
  const campaign = loaded.data;
  const moving = campaign?.status === 'sending' || campaign?.status === 'scheduled';

  useInterval(
    () =>
      void campaignsApi.get(id).then(
        (fresh) => {
          loaded.set(fresh);
          setPollError(undefined);
        },
        (error: unknown) => setPollError(error),
      ),
    POLL_MS,
    moving,
  );

  const act = useAction(async (action: 'schedule' | 'pause' | 'resume' | 'cancel') => {
    if (
      action === 'cancel' &&
      !window.confirm('Cancel this campaign? Messages not yet sent will never be sent.')
    )
      return;
    loaded.set(await campaignsApi[action](id));
  });

  if (!campaign) {
    return loaded.error ? (
      <ErrorAlert error={loaded.error} context="Could not load the campaign" />
    ) : (
      <Loading what="the campaign" />
    );
  }
  const { stats } = campaign;
  // The server defines progress; the count shown is the same share of the audience.
  const handled = Math.round(campaign.progress * stats.total);

  return (
    <section class="campaign-detail">
      <PageHeading title={campaign.name} />
      <p>
        <Link to="/campaigns">← All campaigns</Link>
      </p>
      <p class="campaign-status" aria-live="polite">
        Status: <CampaignStatusBadge status={campaign.status} />
        {campaign.failureReason ? <span> {campaign.failureReason}</span> : null}
      </p>

      {/* A finished campaign can no longer change: no buttons that could only ever be disabled. */}
      {FINAL.includes(campaign.status) ? null : (
        <div class="actions" role="group" aria-label="Campaign actions">
          <button
            type="button"
            disabled={act.busy || !allowed.schedule(campaign.status)}
            onClick={() => void act.run('schedule')}
          >
            {campaign.scheduledAt ? 'Schedule' : 'Send now'}
          </button>
          <button
            type="button"
            class="secondary"
            disabled={act.busy || !allowed.pause(campaign.status)}
            onClick={() => void act.run('pause')}
          >
            Pause
          </button>
          <button
            type="button"
            class="secondary"
            disabled={act.busy || !allowed.resume(campaign.status)}
            onClick={() => void act.run('resume')}
          >
            Resume
          </button>
          <button
            type="button"
            class="danger"
            disabled={act.busy || !allowed.cancel(campaign.status)}
            onClick={() => void act.run('cancel')}
          >
            Cancel campaign
          </button>
        </div>
      )}
      <ErrorAlert error={act.error} context="The campaign did not change" />
      <ErrorAlert error={pollError} context="Live progress paused" />

      <div class="campaign-grid">
        <section class="card" aria-labelledby="progress-title">
          <h2 id="progress-title">Progress</h2>
          <ProgressBar
            label="Sending progress"
            fraction={campaign.progress}
            detail={`(${handled} of ${stats.total} handled)`}
          />
          <h3 class="small-heading" id="funnel-heading">
            Funnel
          </h3>
          <FunnelTable stats={stats} />
          <p class="help">
            Skipped: {stats.skippedOptedOut} opted out, {stats.skippedInvalid} without a usable number,{' '}
            {stats.skippedFrequencyCap} at their frequency cap. Held outside their send window: {stats.held}.
          </p>
        </section>
        <section class="card" aria-labelledby="details-title">
          <h2 id="details-title">Details</h2>
          <dl class="details">
            <dt>Status</dt>
            <dd>{campaignStatusLabel(campaign.status)}</dd>
            <dt>Channel</dt>
            <dd>{channelLabel(channels?.find((channel) => channel.id === campaign.channelId))}</dd>
            <dt>Audience</dt>
            <dd>{describeAudience(campaign.audience)}</dd>
            <dt>Message</dt>
            <dd class="pre-wrap">{describeMessage(campaign)}</dd>
            <dt>Rate</dt>
            <dd>
              {campaign.ratePerSecond
                ? `${campaign.ratePerSecond} per second`
                : 'As fast as the provider accepts'}
            </dd>
            <dt>Scheduled for</dt>
            <dd>{formatDateTime(campaign.scheduledAt)}</dd>
            <dt>Started</dt>
            <dd>{formatDateTime(campaign.startedAt)}</dd>
            <dt>Finished</dt>
            <dd>{formatDateTime(campaign.completedAt)}</dd>
          </dl>
        </section>
      </div>
    </section>
  );
}

function describeAudience(audience: CampaignAudience): string {
  if (audience.all) return 'All contacts';
  if (audience.tags) return `Contacts tagged ${audience.tags.join(', ')}`;
  const count = audience.contactIds?.length ?? 0;
  return `${count} chosen ${count === 1 ? 'contact' : 'contacts'}`;
}

function describeMessage(campaign: Campaign): string {
  const { message } = campaign;
  const { text, template } = message;
  if (message.kind === 'text' || !template) return text ?? '';
  return `Template ${template.id}${template.languageCode ? ` (${template.languageCode})` : ''}`;
}
