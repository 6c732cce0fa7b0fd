import { channelsApi } from '../api/endpoints';
import { ErrorAlert, Loading } from '../components/feedback';
import { PageHeading } from '../components/page-heading';
import { formatDateTime } from '../format';
import { useLoad } from '../hooks';
import { PROVIDER_LABELS } from '../provider-fields';
import { Link } from '../router';

export function Channels() {
  const channels = useLoad(() => channelsApi.list(), []);
  const items = channels.data?.items;
  return (
    <section>
      <PageHeading title="Channels">
        <Link to="/channels/new" class="button">
          New channel
        </Link>
      </PageHeading>
      <ErrorAlert error={channels.error} context="Could not load channels" />
      {items === undefined ? (
        <Loading what="channels" />
      ) : items.length === 0 ? (
        <p class="empty">
          No channels yet. <Link to="/channels/new">Create one</Link>; a sandbox channel lets you try
          everything without a provider account.
        </p>
      ) : (
        <div class="table-wrap" role="region" aria-label="Channels" tabIndex={0}>
          <table>
            <caption class="visually-hidden">Channels, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Provider</th>
                <th scope="col">Sender</th>
                <th scope="col">State</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {items.map((channel) => (
                <tr key={channel.id}>
                  <th scope="row">
                    <Link to={`/channels/${channel.id}`}>{channel.name}</Link>
                  </th>
                  <td>{PROVIDER_LABELS[channel.provider]}</td>
                  <td class="nowrap">{channel.sender}</td>
                  <td>{channel.disabled ? <span class="badge status-failed">Disabled</span> : 'Enabled'}</td>
                  <td class="nowrap">{formatDateTime(channel.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
