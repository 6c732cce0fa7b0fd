import { useState } from 'preact/hooks';

import { channelsApi } from '../api/endpoints';
import type { CreateChannel, ProviderKind } from '../api/models';
import { forgetChannels } from '../channels-cache';
import { ErrorAlert } from '../components/feedback';
import { PageHeading } from '../components/page-heading';
import { useAction } from '../hooks';
import {
  type ConfigField,
  configFrom,
  PROVIDER_FIELDS,
  PROVIDER_KINDS,
  PROVIDER_LABELS,
} from '../provider-fields';
import { Link, navigate } from '../router';

export function ChannelNew() {
  const [name, setName] = useState('');
  const [provider, setProvider] = useState<ProviderKind>('sinch-sms');
  const [sender, setSender] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});

  const create = useAction(async () => {
    // The form builds the config from PROVIDER_FIELDS of the chosen provider; the server validates it.
    const input = {
      name: name.trim(),
      provider,
      sender: sender.trim(),
      config: configFrom(provider, values),
    };
    const channel = await channelsApi.create(input as CreateChannel);
    forgetChannels();
    navigate(`/channels/${channel.id}`);
  });

  return (
    <section>
      <PageHeading title="New channel" />
      <p>
        <Link to="/channels">← All channels</Link>
      </p>
      <form
        class="channel-form"
        autocomplete="off"
        onSubmit={(event) => {
          event.preventDefault();
          void create.run();
        }}
      >
        <ErrorAlert error={create.error} context="The channel was not created" />
        <div class="field">
          <label for="channel-name">Channel name</label>
          <input
            id="channel-name"
            required
            maxLength={200}
            value={name}
            onInput={(event) => setName(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="channel-provider">Provider</label>
          <select
            id="channel-provider"
            value={provider}
            onChange={(event) => {
              setProvider(event.currentTarget.value as ProviderKind);
              setValues({});
            }}
          >
            {PROVIDER_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {PROVIDER_LABELS[kind]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="channel-sender">Sender</label>
          <input
            id="channel-sender"
            required
            maxLength={32}
            aria-describedby="channel-sender-help"
            value={sender}
            onInput={(event) => setSender(event.currentTarget.value)}
          />
          <p id="channel-sender-help" class="help">
            E.164 number, short code or alphanumeric sender id.
          </p>
        </div>
        <fieldset>
          <legend>{PROVIDER_LABELS[provider]} settings</legend>
          {PROVIDER_FIELDS[provider].map((field) => (
            <ConfigInput
              key={`${provider}-${field.name}`}
              field={field}
              value={values[field.name] ?? ''}
              onChange={(value) => setValues((current) => ({ ...current, [field.name]: value }))}
            />
          ))}
          {provider === 'sandbox' ? (
            <p class="help">The sandbox needs no credentials: it simulates a provider inside Switchboard.</p>
          ) : null}
        </fieldset>
        <button type="submit" disabled={create.busy}>
          {create.busy ? 'Creating…' : 'Create channel'}
        </button>
      </form>
    </section>
  );
}

function ConfigInput({
  field,
  value,
  onChange,
}: {
  field: ConfigField;
  value: string;
  onChange: (value: string) => void;
}) {
  const id = `config-${field.name}`;
  const helpId = field.help ? `${id}-help` : undefined;
  const label = `${field.label}${field.required ? '' : ' (optional)'}`;
  const onInput = (event: { currentTarget: HTMLInputElement | HTMLSelectElement }) =>
    onChange(event.currentTarget.value);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {field.kind === 'select' ? (
        <select id={id} required={field.required} value={value} onChange={onInput} aria-describedby={helpId}>
          <option value="">Choose…</option>
          {field.options?.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          {...inputType(field)}
          autocomplete={field.kind === 'secret' ? 'new-password' : 'off'}
          required={field.required}
          placeholder={field.kind === 'origin' ? 'https://' : undefined}
          spellcheck={false}
          aria-describedby={helpId}
          value={value}
          onInput={onInput}
        />
      )}
      {field.help ? (
        <p id={helpId} class="help">
          {field.help}
        </p>
      ) : null}
    </div>
  );
}

/** Secrets are typed into password inputs so they are never shown, not even while typing. */
function inputType(field: ConfigField) {
  switch (field.kind) {
    case 'secret':
      return { type: 'password' as const };
    case 'number':
      return { type: 'number' as const, min: 0 };
    case 'origin':
      return { type: 'url' as const };
    default:
      return { type: 'text' as const };
  }
}
