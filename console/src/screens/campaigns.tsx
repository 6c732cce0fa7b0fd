import { useState } from 'preact/hooks';

import { campaignsApi } from '../api/endpoints';
import type { Campaign } from '../api/models';
import { channelLabel, useChannels } from '../channels-cache';
import { ErrorAlert, Loading } from '../components/feedback';
import { PageHeading } from '../components/page-heading';
import { CampaignStatusBadge } from '../components/status-badge';
import { formatDateTime, percent } from '../format';
import { useAction, useLoad } from '../hooks';
import { Link } from '../router';

export function Campaigns() {
  const firstPage = useLoad(() => campaignsApi.list(), []);
  const channels = useChannels();
  const [more, setMore] = useState<{ items: Campaign[]; nextCursor: string | null }>({
    items: [],
    nextCursor: null,
  });
  const campaigns = firstPage.data ? [...firstPage.data.items, ...more.items] : undefined;
  const nextCursor = more.items.length > 0 ? more.nextCursor : firstPage.data?.nextCursor;
  const loadMore = useAction(async () => {
    if (!nextCursor) return;
    const page = await campaignsApi.list(nextCursor);
    setMore((current) => ({ items: [...current.items, ...page.items], nextCursor: page.nextCursor }));
  });

  return (
    <section>
      <PageHeading title="Campaigns">
        <Link to="/campaigns/new" class="button">
          New campaign
        </Link>
      </PageHeading>
      <ErrorAlert error={firstPage.error} context="Could not load campaigns" />
      {campaigns === undefined ? (
        <Loading what="campaigns" />
      ) : campaigns.length === 0 ? (
        <p class="empty">
          No campaigns yet. <Link to="/campaigns/new">Create the first one</Link>.
        </p>
      ) : (
        <div class="table-wrap" role="region" aria-label="Campaigns" tabIndex={0}>
          <table>
            <caption class="visually-hidden">Campaigns, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Progress</th>
                <th scope="col">Channel</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {campaigns.map((campaign) => (
                <tr key={campaign.id}>
                  <th scope="row">
                    <Link to={`/campaigns/${campaign.id}`}>{campaign.name}</Link>
                  </th>
                  <td>
                    <CampaignStatusBadge status={campaign.status} />
                  </td>
                  <td>
                    {percent(campaign.progress)} <span class="muted small">of {campaign.stats.total}</span>
                  </td>
                  <td>{channelLabel(channels?.find((channel) => channel.id === campaign.channelId))}</td>
                  <td class="nowrap">{formatDateTime(campaign.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor ? (
        <button type="button" class="secondary" onClick={() => void loadMore.run()} disabled={loadMore.busy}>
          Load more campaigns
        </button>
      ) : null}
      <ErrorAlert error={loadMore.error} />
    </section>
  );
}
