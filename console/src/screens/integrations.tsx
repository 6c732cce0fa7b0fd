import { useState } from 'preact/hooks';

import { apiKeysApi, webhookEndpointsApi } from '../api/endpoints';
import {
  API_KEY_ROLES,
  type CreatedApiKey,
  type CreatedWebhookEndpoint,
  EVENT_FILTERS,
  type WebhookEndpoint,
} from '../api/models';
import { CopyField } from '../components/copy-field';
import { ErrorAlert, Loading } from '../components/feedback';
import { PageHeading } from '../components/page-heading';
import { formatDateTime } from '../format';
import { useAction, useLoad } from '../hooks';

type Role = (typeof API_KEY_ROLES)[number];
type EventFilter = (typeof EVENT_FILTERS)[number];

/** API keys for servers and scripts, and the endpoints that receive event webhooks. */
export function Integrations() {
  return (
    <section>
      <PageHeading title="Integrations" />
      <ApiKeys />
      <WebhookEndpoints />
    </section>
  );
}

function ApiKeys() {
  const keys = useLoad(() => apiKeysApi.list(), []);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [created, setCreated] = useState<CreatedApiKey>();
  const create = useAction(async () => {
    setCreated(undefined);
    setCreated(await apiKeysApi.create({ name: name.trim(), role }));
    setName('');
    keys.reload();
  });
  const revoke = useAction(async (id: string) => {
    await apiKeysApi.revoke(id);
    keys.reload();
  });

  return (
    <section class="card" aria-labelledby="api-keys-title">
      <h2 id="api-keys-title">API keys</h2>
      <p class="help">
        For servers and scripts: send the key as <code>Authorization: Bearer sb_…</code>. It acts with its
        role; revoking it refuses it at once.
      </p>
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          void create.run();
        }}
      >
        <div class="field">
          <label for="api-key-name">Key name</label>
          <input
            id="api-key-name"
            required
            maxLength={200}
            value={name}
            onInput={(event) => setName(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="api-key-role">Role</label>
          <select
            id="api-key-role"
            value={role}
            onChange={(event) => setRole(event.currentTarget.value as Role)}
          >
            {API_KEY_ROLES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </div>
        <div class="actions">
          <button type="submit" disabled={create.busy}>
            {create.busy ? 'Creating…' : 'Create key'}
          </button>
        </div>
      </form>
      <ErrorAlert error={create.error} context="The key was not created" />
      {created ? (
        <div class="alert alert-success" role="status">
          <p>
            <strong>Key “{created.name}” created.</strong> Copy it now: it is not shown again.
          </p>
          <CopyField id="created-api-key" label="New API key" value={created.key} />
        </div>
      ) : null}
      <ErrorAlert error={keys.error} context="Could not load the keys" />
      <ErrorAlert error={revoke.error} context="The key was not revoked" />
      {keys.data === undefined ? (
        <Loading what="API keys" />
      ) : keys.data.items.length === 0 ? (
        <p class="empty">No API keys yet.</p>
      ) : (
        <div class="table-wrap" role="region" aria-label="API key table" tabIndex={0}>
          <table>
            <caption class="visually-hidden">API keys, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Role</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {keys.data.items.map((key) => (
                <tr key={key.id}>
                  <th scope="row">{key.name}</th>
                  <td class="nowrap">
                    <code>{key.prefix}…</code>
                  </td>
                  <td>{key.role}</td>
                  <td class="nowrap">{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : 'Never'}</td>
                  <td>
                    {key.revokedAt ? (
                      <span class="badge status-failed">Revoked</span>
                    ) : (
                      <button
                        type="button"
                        class="secondary small-button"
                        disabled={revoke.busy}
                        aria-label={`Revoke ${key.name}`}
                        onClick={() => void revoke.run(key.id)}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const EVENT_LABELS: Record<EventFilter, string> = {
  '*': 'All events',
  'message.received': 'Message received',
  'message.status': 'Message status',
  'contact.opted_out': 'Contact opted out',
  'contact.opted_in': 'Contact opted in',
  'campaign.status': 'Campaign status',
  'conversation.assigned': 'Conversation assigned',
};

function WebhookEndpoints() {
  const endpoints = useLoad(() => webhookEndpointsApi.list(), []);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<EventFilter[]>(['message.received', 'message.status']);
  const [created, setCreated] = useState<CreatedWebhookEndpoint>();
  const create = useAction(async () => {
    setCreated(undefined);
    setCreated(await webhookEndpointsApi.create({ url: url.trim(), events }));
    setUrl('');
    endpoints.reload();
  });
  const toggle = (event: EventFilter, on: boolean) =>
    setEvents((current) => (on ? [...current, event] : current.filter((value) => value !== event)));

  return (
    <section class="card" aria-labelledby="endpoints-title">
      <h2 id="endpoints-title">Event webhooks</h2>
      <p class="help">
        Switchboard posts each event to your endpoint, signed as the Standard Webhooks specification says, and
        retries for a day until it answers 2xx.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void create.run();
        }}
      >
        <div class="field">
          <label for="endpoint-url">Endpoint URL</label>
          <input
            id="endpoint-url"
            type="url"
            required
            maxLength={2048}
            placeholder="https://"
            value={url}
            onInput={(event) => setUrl(event.currentTarget.value)}
          />
        </div>
        <fieldset>
          <legend>Events</legend>
          {EVENT_FILTERS.map((value) => (
            <div class="checkbox" key={value}>
              <input
                id={`event-${value}`}
                type="checkbox"
                checked={events.includes(value)}
                onChange={(event) => toggle(value, event.currentTarget.checked)}
              />
              <label for={`event-${value}`}>{EVENT_LABELS[value]}</label>
            </div>
          ))}
        </fieldset>
        <div class="actions">
          <button type="submit" disabled={create.busy || events.length === 0}>
            {create.busy ? 'Adding…' : 'Add endpoint'}
          </button>
        </div>
      </form>
      <ErrorAlert error={create.error} context="The endpoint was not added" />
      {created ? (
        <div class="alert alert-success" role="status">
          <p>
            <strong>Endpoint added.</strong> Copy its signing secret now: it is not shown again.
          </p>
          <CopyField id="created-endpoint-secret" label="Signing secret" value={created.secret} />
        </div>
      ) : null}
      <ErrorAlert error={endpoints.error} context="Could not load the endpoints" />
      {endpoints.data === undefined ? (
        <Loading what="endpoints" />
      ) : endpoints.data.items.length === 0 ? (
        <p class="empty">No endpoints yet.</p>
      ) : (
        endpoints.data.items.map((endpoint) => (
          <Endpoint key={endpoint.id} endpoint={endpoint} onChange={endpoints.reload} />
        ))
      )}
    </section>
  );
}

function Endpoint({ endpoint, onChange }: { endpoint: WebhookEndpoint; onChange: () => void }) {
  const deliveries = useLoad(() => webhookEndpointsApi.deliveries(endpoint.id), [endpoint.id]);
  const setEnabled = useAction(async (enabled: boolean) => {
    await webhookEndpointsApi.setEnabled(endpoint.id, enabled);
    onChange();
  });
  const retry = useAction(async (deliveryId: string) => {
    await webhookEndpointsApi.retry(endpoint.id, deliveryId);
    deliveries.reload();
  });
  const titleId = `endpoint-${endpoint.id}`;

  return (
    <article class="endpoint" aria-labelledby={titleId}>
      <h3 id={titleId} class="break-anywhere">
        {endpoint.url}
      </h3>
      <p class="small">
        {endpoint.events.map((value) => EVENT_LABELS[value]).join(', ')} ·{' '}
        {endpoint.enabled ? 'Enabled' : <span class="badge status-failed">Disabled</span>}
        {endpoint.disabledReason ? ` (${endpoint.disabledReason})` : ''}
      </p>
      <div class="actions">
        <button
          type="button"
          class="secondary small-button"
          disabled={setEnabled.busy}
          onClick={() => void setEnabled.run(!endpoint.enabled)}
        >
          {endpoint.enabled ? 'Disable' : 'Enable'}
        </button>
        <button type="button" class="secondary small-button" onClick={deliveries.reload}>
          Refresh deliveries
        </button>
      </div>
      <ErrorAlert error={setEnabled.error} context="The endpoint was not changed" />
      <ErrorAlert error={retry.error} context="The delivery was not retried" />
      <ErrorAlert error={deliveries.error} context="Could not load the deliveries" />
      {deliveries.data === undefined ? (
        <Loading what="deliveries" />
      ) : deliveries.data.items.length === 0 ? (
        <p class="empty">No deliveries yet.</p>
      ) : (
        <div class="table-wrap" role="region" aria-label={`Delivery table for ${endpoint.url}`} tabIndex={0}>
          <table>
            <caption>Recent deliveries to {endpoint.url}</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Attempt</th>
                <th scope="col">Status</th>
                <th scope="col">Answer</th>
                <th scope="col">When</th>
                <th scope="col">Retry</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.data.items.map((delivery, index, items) => (
                <tr key={delivery.id}>
                  <td>{delivery.type}</td>
                  <td>{delivery.attempt}</td>
                  <td>
                    <span
                      class={`badge status-${delivery.status === 'succeeded' ? 'delivered' : delivery.status}`}
                    >
                      {delivery.status}
                    </span>
                  </td>
                  <td class="break-anywhere">
                    {delivery.responseStatus ?? ''} {delivery.error ?? ''}
                  </td>
                  <td class="nowrap">{formatDateTime(delivery.at)}</td>
                  <td>
                    {/* Only the latest attempt of a delivery that has not succeeded can be retried. */}
                    {delivery.status === 'failed' &&
                    items.findIndex((item) => item.deliveryId === delivery.deliveryId) === index ? (
                      <button
                        type="button"
                        class="secondary small-button"
                        disabled={retry.busy}
                        aria-label={`Retry ${delivery.type} attempt ${delivery.attempt}`}
                        onClick={() => void retry.run(delivery.deliveryId)}
                      >
                        Retry
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </article>
  );
}
