import { useState } from 'preact/hooks';

import { channelsApi } from '../api/endpoints';
import type { Channel, VerifyResult } from '../api/models';
import { CopyField } from '../components/copy-field';
import { ErrorAlert, Loading } from '../components/feedback';
import { PageHeading } from '../components/page-heading';
import { formatDateTime } from '../format';
import { useAction, useLoad } from '../hooks';
import { PROVIDER_FIELDS, PROVIDER_LABELS } from '../provider-fields';
import { Link } from '../router';

const WEBHOOK_LABELS: Record<string, string> = {
  callback: 'Callback URL',
  inbound: 'Inbound message URL',
  status: 'Delivery status URL',
};

export function ChannelDetail({ id }: { id: string }) {
  const loaded = useLoad(() => channelsApi.get(id), [id]);
  const [verification, setVerification] = useState<VerifyResult>();
  const verify = useAction(async () => {
    setVerification(undefined);
    setVerification(await channelsApi.verify(id));
  });

  const channel = loaded.data;
  if (!channel)
    return loaded.error ? (
      <ErrorAlert error={loaded.error} context="Could not load the channel" />
    ) : (
      <Loading what="the channel" />
    );
  const webhookUrls = Object.entries(channel.webhookUrls).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  );

  return (
    <section>
      <PageHeading title={channel.name} />
      <p>
        <Link to="/channels">← All channels</Link>
      </p>
      <div class="campaign-grid">
        <section class="card" aria-labelledby="channel-settings-title">
          <h2 id="channel-settings-title">Settings</h2>
          <dl class="details">
            <dt>Provider</dt>
            <dd>{PROVIDER_LABELS[channel.provider]}</dd>
            <dt>Sender</dt>
            <dd>{channel.sender}</dd>
            <dt>State</dt>
            <dd>{channel.disabled ? 'Disabled' : 'Enabled'}</dd>
            <dt>Created</dt>
            <dd>{formatDateTime(channel.createdAt)}</dd>
            {configRows(channel).map(([label, value]) => [
              <dt key={`${label}-term`}>{label}</dt>,
              <dd key={`${label}-value`}>{value}</dd>,
            ])}
          </dl>
          <div class="actions">
            <button type="button" onClick={() => void verify.run()} disabled={verify.busy}>
              {verify.busy ? 'Verifying…' : 'Verify credentials'}
            </button>
          </div>
          <div role="status" aria-live="polite">
            {verification ? (
              <p class={`alert ${verification.ok ? 'alert-success' : 'alert-error'}`}>
                <strong>{verification.ok ? 'Verified: ' : 'Verification failed: '}</strong>
                {verification.detail}
              </p>
            ) : null}
          </div>
          <ErrorAlert error={verify.error} context="Could not verify" />
        </section>
        <section class="card" aria-labelledby="webhooks-title">
          <h2 id="webhooks-title">Webhook URLs</h2>
          <p class="help">
            {channel.provider === 'sandbox'
              ? 'The sandbox posts its own signed reports here; nothing to configure.'
              : 'Paste these into the provider’s dashboard so delivery reports and inbound messages reach Switchboard.'}
          </p>
          {webhookUrls.map(([key, url]) => (
            <CopyField key={key} id={`webhook-${key}`} label={WEBHOOK_LABELS[key] ?? key} value={url} />
          ))}
        </section>
        {channel.provider === 'sandbox' && !channel.disabled ? <SimulateInbound channel={channel} /> : null}
      </div>
    </section>
  );
}

/** Non-secret settings as they are; secrets only as set or not, never their (masked) value. */
function configRows(channel: Channel): Array<[string, string]> {
  const fields = PROVIDER_FIELDS[channel.provider];
  const config: Record<string, unknown> = channel.config;
  return fields.map((field) => {
    const value = config[field.name];
    if (field.kind === 'secret') return [field.label, value ? 'Set (hidden)' : 'Not set'];
    if (value === undefined || value === null || value === '') return [field.label, '—'];
    return [field.label, Array.isArray(value) ? value.join(', ') : displayed(value)];
  });
}

/** Lets an admin try the inbox without a provider: the sandbox receives a message as a webhook would bring it. */
function displayed(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function SimulateInbound({ channel }: { channel: Channel }) {
  const [from, setFrom] = useState('');
  const [text, setText] = useState('');
  const [done, setDone] = useState('');
  const simulate = useAction(async () => {
    setDone('');
    await channelsApi.simulateInbound(channel.id, from.trim(), text);
    setDone(`Received “${text}” from ${from.trim()}: it is in the inbox.`);
    setText('');
  });
  return (
    <form
      class="card"
      aria-labelledby="simulate-title"
      onSubmit={(event) => {
        event.preventDefault();
        void simulate.run();
      }}
    >
      <h2 id="simulate-title">Simulate an inbound message</h2>
      <p class="help">Keywords apply as for a real message: STOP opts the sender out, START back in.</p>
      <ErrorAlert error={simulate.error} />
      <div class="field">
        <label for="simulate-from">From (phone number)</label>
        <input
          id="simulate-from"
          type="tel"
          required
          value={from}
          onInput={(event) => setFrom(event.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="simulate-text">Message</label>
        <textarea
          id="simulate-text"
          rows={2}
          value={text}
          onInput={(event) => setText(event.currentTarget.value)}
        />
      </div>
      <button type="submit" disabled={simulate.busy}>
        Receive message
      </button>
      <p role="status" class="small">
        {done}
      </p>
    </form>
  );
}
