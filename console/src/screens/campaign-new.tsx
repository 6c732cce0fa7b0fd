import { useMemo, useState } from 'preact/hooks';

import { campaignsApi, contactsApi } from '../api/endpoints';
import type {
  AudienceSize,
  Campaign,
  CampaignAudience,
  CampaignPreview,
  CreateCampaign,
} from '../api/models';
import { PLACEHOLDER_HELP, previewCampaignText, type PreviewContact } from '../campaign-text';
import { channelLabel, isWhatsApp, useChannels } from '../channels-cache';
import { ErrorAlert } from '../components/feedback';
import { PageHeading } from '../components/page-heading';
import {
  EMPTY_TEMPLATE,
  TemplateFields,
  templateFrom,
  type TemplateInput,
} from '../components/template-fields';
import { contactName, splitList } from '../format';
import { useAction, useDebounced, useLoad } from '../hooks';
import { Link, navigate } from '../router';
import { smsSegments } from '../sms-segments';

type AudienceKind = 'tags' | 'all' | 'contactIds';
type When = 'now' | 'later' | 'draft';

const EXAMPLE_CONTACT: PreviewContact & { id: string } = {
  id: 'example',
  name: 'Ada Lovelace',
  firstName: 'Ada',
  lastName: 'Lovelace',
  phone: '+14155550100',
  attributes: {},
};

function audienceOf(kind: AudienceKind, tags: string[], contactIds: string[]): CampaignAudience | undefined {
  if (kind === 'all') return { all: true };
  if (kind === 'tags') return tags.length > 0 ? { tags } : undefined;
  return contactIds.length > 0 ? { contactIds } : undefined;
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

function audienceSizeText(size: AudienceSize): string {
  if (size.contacts === 0)
    return 'No contact is in this audience yet: add or import contacts, or change the audience.';
  const skipped = size.contacts - size.reachable;
  return `Audience: ${plural(size.contacts, 'contact', 'contacts')}${
    skipped > 0 ? `, of whom ${skipped} cannot be sent to (opted out or no number)` : ''
  }.`;
}

export function CampaignNew() {
  const channels = useChannels();
  const usable = channels?.filter((channel) => !channel.disabled) ?? [];
  const [name, setName] = useState('');
  const [channelId, setChannelId] = useState('');
  const [kind, setKind] = useState<'text' | 'template'>('text');
  const [text, setText] = useState('');
  const [template, setTemplate] = useState<TemplateInput>(EMPTY_TEMPLATE);
  const [audienceKind, setAudienceKind] = useState<AudienceKind>('tags');
  const [tags, setTags] = useState('');
  const [contactIds, setContactIds] = useState('');
  const [when, setWhen] = useState<When>('now');
  const [sendAt, setSendAt] = useState('');
  const [rate, setRate] = useState('');
  const [sampleId, setSampleId] = useState('');
  const [quietHours, setQuietHours] = useState(false);
  const [windowStart, setWindowStart] = useState('08:00');
  const [windowEnd, setWindowEnd] = useState('21:00');
  const [capMax, setCapMax] = useState('');
  const [capHours, setCapHours] = useState('24');
  /** A created campaign whose preview holds or skips recipients: scheduled only once confirmed. */
  const [pending, setPending] = useState<{ campaign: Campaign; preview: CampaignPreview } | undefined>();

  const selectedChannel = usable.find((channel) => channel.id === (channelId || usable[0]?.id));
  const tagList = splitList(tags);
  const sampleTag = useDebounced(audienceKind === 'tags' ? (tagList[0] ?? '') : '');
  const samples = useLoad(() => contactsApi.list({ tag: sampleTag || undefined }, 20), [sampleTag]);
  const audience = audienceOf(audienceKind, tagList, splitList(contactIds));
  const audienceKey = useDebounced(JSON.stringify(audience ?? null));
  const size = useLoad(() => {
    const debounced = JSON.parse(audienceKey) as CampaignAudience | null;
    return debounced ? campaignsApi.audienceSize(debounced) : Promise.resolve(undefined);
  }, [audienceKey]);
  // The preview is written for real people: a contact of the audience, the invented one only
  // while there is nobody to show.
  const realSamples = samples.data?.items ?? [];
  const sampleContacts = realSamples.length > 0 ? realSamples : [EXAMPLE_CONTACT];
  const sample =
    sampleContacts.find((contact) => contact.id === sampleId) ??
    sampleContacts.find((contact) => contact.id === size.data?.sampleContactId) ??
    sampleContacts[0];
  const nobody = size.data?.contacts === 0;
  const preview = useMemo(() => previewCampaignText(text, sample), [text, sample]);
  // The counter follows the sample's rendered text as the user types, settled after a pause.
  const counted = useDebounced(preview.ok ? preview.text : text, 150);
  const segments = useMemo(() => smsSegments(counted), [counted]);

  const create = useAction(async () => {
    if (!selectedChannel) throw new Error('Choose a channel; create one first if there is none.');
    if (!audience) throw new Error('Choose the audience: at least one tag or contact id.');
    const message = kind === 'text' ? { text } : { template: templateFrom(template) ?? { id: '' } };
    const scheduledAt = when === 'later' && sendAt ? new Date(sendAt).toISOString() : undefined;
    const body: CreateCampaign = {
      name: name.trim(),
      channelId: selectedChannel.id,
      message,
      audience,
      ...(scheduledAt ? { scheduledAt } : {}),
      ...(rate ? { ratePerSecond: Number(rate) } : {}),
      ...(quietHours ? { sendWindow: { start: windowStart, end: windowEnd } } : {}),
      ...(capMax ? { frequencyCap: { max: Number(capMax), perHours: Number(capHours || '24') } } : {}),
    };
    const campaign = await campaignsApi.create(body);
    if (when !== 'draft') {
      // Ask the server what scheduling would do; hold back when recipients would wait or be left out.
      const outcome = await campaignsApi.preview(campaign.id);
      if (outcome.heldNow > 0 || outcome.skippedFrequencyCap > 0) {
        setPending({ campaign, preview: outcome });
        return;
      }
      await campaignsApi.schedule(campaign.id, scheduledAt);
    }
    navigate(`/campaigns/${campaign.id}`);
  });

  const confirm = useAction(async () => {
    if (!pending) return;
    const scheduledAt = when === 'later' && sendAt ? new Date(sendAt).toISOString() : undefined;
    await campaignsApi.schedule(pending.campaign.id, scheduledAt);
    navigate(`/campaigns/${pending.campaign.id}`);
  });

  const whatsApp = isWhatsApp(selectedChannel);

  return (
    <section>
      <PageHeading title="New campaign" />
      <p>
        <Link to="/campaigns">← All campaigns</Link>
      </p>
      <form
        class="campaign-form"
        onSubmit={(event) => {
          event.preventDefault();
          void create.run();
        }}
      >
        <ErrorAlert error={create.error} context="The campaign was not created" />
        <div class="field">
          <label for="campaign-name">Campaign name</label>
          <input
            id="campaign-name"
            required
            maxLength={200}
            value={name}
            onInput={(event) => setName(event.currentTarget.value)}
          />
        </div>
        {channels && usable.length === 0 ? (
          <p class="alert alert-warning">
            There is no enabled channel. <Link to="/channels/new">Create a channel</Link> first.
          </p>
        ) : (
          <div class="field">
            <label for="campaign-channel">Channel</label>
            <select
              id="campaign-channel"
              required
              value={selectedChannel?.id ?? ''}
              onChange={(event) => setChannelId(event.currentTarget.value)}
            >
              {usable.map((channel) => (
                <option key={channel.id} value={channel.id}>
                  {channelLabel(channel)} · {channel.sender}
                </option>
              ))}
            </select>
          </div>
        )}

        <fieldset>
          <legend>Message</legend>
          <div class="choices">
            <label class="choice">
              <input
                type="radio"
                name="message-kind"
                value="text"
                checked={kind === 'text'}
                onChange={() => setKind('text')}
              />{' '}
              Text
            </label>
            <label class="choice">
              <input
                type="radio"
                name="message-kind"
                value="template"
                checked={kind === 'template'}
                onChange={() => setKind('template')}
              />{' '}
              Template
            </label>
          </div>
          {whatsApp && kind === 'text' ? (
            <p class="alert alert-warning">
              WhatsApp campaigns need a template: their recipients are outside the 24-hour window.
            </p>
          ) : null}
          {kind === 'text' ? (
            <div class="text-and-preview">
              <div class="field">
                <label for="campaign-text">Message text</label>
                <textarea
                  id="campaign-text"
                  rows={5}
                  required
                  maxLength={4096}
                  aria-describedby="campaign-text-help"
                  value={text}
                  onInput={(event) => setText(event.currentTarget.value)}
                />
                <p id="campaign-text-help" class="help">
                  Placeholders: <code>{PLACEHOLDER_HELP}</code>. A missing value is left empty. {text.length}{' '}
                  characters.
                </p>
                <p class="help" role="status" aria-label="SMS segments">
                  As SMS for the preview contact: {segments.segments}{' '}
                  {segments.segments === 1 ? 'segment' : 'segments'}, {segments.encoding} ({segments.units}{' '}
                  {segments.encoding === 'GSM-7' ? 'septets' : 'units'})
                  {segments.encoding === 'UCS-2'
                    ? '. A character outside GSM-7 (an emoji, some accents) makes the whole text UCS-2: 70 per segment instead of 160.'
                    : ''}
                </p>
              </div>
              <div class="preview-box">
                <div class="field">
                  <label for="campaign-sample">Preview for</label>
                  <select
                    id="campaign-sample"
                    value={sample.id}
                    onChange={(event) => setSampleId(event.currentTarget.value)}
                  >
                    {sampleContacts.map((contact) => (
                      <option key={contact.id} value={contact.id}>
                        {contact.id === EXAMPLE_CONTACT.id
                          ? 'Example: Ada Lovelace'
                          : `${contactName(contact)} ${contact.phone ?? ''}`}
                      </option>
                    ))}
                  </select>
                </div>
                <h3 id="campaign-preview-title" class="small-heading">
                  Preview
                </h3>
                <output
                  class={`text-preview${preview.ok ? '' : ' text-preview-error'}`}
                  aria-labelledby="campaign-preview-title"
                  aria-live="polite"
                  for="campaign-text campaign-sample"
                >
                  {preview.ok
                    ? preview.text || <span class="muted">Type a message to see it here.</span>
                    : preview.error}
                </output>
              </div>
            </div>
          ) : (
            <TemplateFields idPrefix="campaign-template" value={template} onChange={setTemplate} />
          )}
        </fieldset>

        <fieldset>
          <legend>Audience</legend>
          <div class="choices">
            <label class="choice">
              <input
                type="radio"
                name="audience"
                checked={audienceKind === 'tags'}
                onChange={() => setAudienceKind('tags')}
              />{' '}
              Contacts with tags
            </label>
            <label class="choice">
              <input
                type="radio"
                name="audience"
                checked={audienceKind === 'all'}
                onChange={() => setAudienceKind('all')}
              />{' '}
              All contacts
            </label>
            <label class="choice">
              <input
                type="radio"
                name="audience"
                checked={audienceKind === 'contactIds'}
                onChange={() => setAudienceKind('contactIds')}
              />{' '}
              Chosen contacts
            </label>
          </div>
          {audienceKind === 'tags' ? (
            <div class="field">
              <label for="campaign-tags">Tags</label>
              <input
                id="campaign-tags"
                required
                aria-describedby="campaign-tags-help"
                value={tags}
                onInput={(event) => setTags(event.currentTarget.value)}
              />
              <p id="campaign-tags-help" class="help">
                Separated by commas: contacts with any of them receive it.
              </p>
            </div>
          ) : null}
          {audienceKind === 'contactIds' ? (
            <div class="field">
              <label for="campaign-contact-ids">Contact ids</label>
              <textarea
                id="campaign-contact-ids"
                rows={3}
                required
                aria-describedby="campaign-contact-ids-help"
                value={contactIds}
                onInput={(event) => setContactIds(event.currentTarget.value)}
              />
              <p id="campaign-contact-ids-help" class="help">
                One per line or separated by commas.
              </p>
            </div>
          ) : null}
          {audienceKind === 'all' ? (
            <p class="help">Every contact; opted-out contacts are skipped and counted.</p>
          ) : null}
        </fieldset>

        <fieldset>
          <legend>When</legend>
          <div class="choices">
            <label class="choice">
              <input type="radio" name="when" checked={when === 'now'} onChange={() => setWhen('now')} /> Send
              now
            </label>
            <label class="choice">
              <input type="radio" name="when" checked={when === 'later'} onChange={() => setWhen('later')} />{' '}
              At a time
            </label>
            <label class="choice">
              <input type="radio" name="when" checked={when === 'draft'} onChange={() => setWhen('draft')} />{' '}
              Save as draft
            </label>
          </div>
          {when === 'later' ? (
            <div class="field">
              <label for="campaign-send-at">Send at (your local time)</label>
              <input
                id="campaign-send-at"
                type="datetime-local"
                required
                value={sendAt}
                onInput={(event) => setSendAt(event.currentTarget.value)}
              />
            </div>
          ) : null}
          <div class="field">
            <label for="campaign-rate">Messages per second (optional)</label>
            <input
              id="campaign-rate"
              type="number"
              min={1}
              max={1000000}
              step={1}
              inputMode="numeric"
              aria-describedby="campaign-rate-help"
              value={rate}
              onInput={(event) => setRate(event.currentTarget.value)}
            />
            <p id="campaign-rate-help" class="help">
              Empty: as fast as the provider accepts.
            </p>
          </div>
        </fieldset>

        <fieldset>
          <legend>Compliance</legend>
          <label class="choice">
            <input
              type="checkbox"
              checked={quietHours}
              onChange={(event) => setQuietHours(event.currentTarget.checked)}
            />{' '}
            Send only within these hours in each recipient&apos;s own time zone
          </label>
          {quietHours ? (
            <div class="choices">
              <div class="field">
                <label for="campaign-window-start">From</label>
                <input
                  id="campaign-window-start"
                  type="time"
                  required
                  value={windowStart}
                  onInput={(event) => setWindowStart(event.currentTarget.value)}
                />
              </div>
              <div class="field">
                <label for="campaign-window-end">Until</label>
                <input
                  id="campaign-window-end"
                  type="time"
                  required
                  value={windowEnd}
                  onInput={(event) => setWindowEnd(event.currentTarget.value)}
                />
              </div>
            </div>
          ) : null}
          <p class="help">
            US law forbids marketing texts before 8 am and after 9 pm at the recipient&apos;s location.
            Recipients outside the hours are held and sent when their window opens.
          </p>
          <div class="field">
            <label for="campaign-cap-max">At most this many campaign messages per contact (optional)</label>
            <input
              id="campaign-cap-max"
              type="number"
              min={1}
              max={1000}
              step={1}
              inputMode="numeric"
              value={capMax}
              onInput={(event) => setCapMax(event.currentTarget.value)}
            />
          </div>
          {capMax ? (
            <div class="field">
              <label for="campaign-cap-hours">…in the last hours</label>
              <input
                id="campaign-cap-hours"
                type="number"
                min={1}
                max={8760}
                step={1}
                inputMode="numeric"
                value={capHours}
                onInput={(event) => setCapHours(event.currentTarget.value)}
              />
            </div>
          ) : null}
        </fieldset>

        {pending ? (
          <div class="alert alert-warning" role="alert">
            <p>
              The campaign is saved as a draft. Scheduling it now: {pending.preview.recipients} recipients,{' '}
              {pending.preview.heldNow} of them held until their send window opens;{' '}
              {pending.preview.skippedFrequencyCap} skipped by the frequency cap,{' '}
              {pending.preview.skippedOptedOut} opted out. {pending.preview.totalSegments} SMS segments (
              {pending.preview.encoding}).
            </p>
            <ErrorAlert error={confirm.error} context="The campaign was not scheduled" />
            <button type="button" disabled={confirm.busy} onClick={() => void confirm.run()}>
              {confirm.busy ? 'Scheduling…' : 'Schedule anyway'}
            </button>{' '}
            <Link to={`/campaigns/${pending.campaign.id}`}>Keep it as a draft</Link>
          </div>
        ) : null}

        <p class={nobody ? 'alert alert-warning' : 'help'} role="status" aria-label="Audience size">
          {size.data ? audienceSizeText(size.data) : ''}
        </p>
        <button
          type="submit"
          disabled={create.busy || !selectedChannel || (nobody && when !== 'draft') || pending !== undefined}
        >
          {create.busy
            ? 'Creating…'
            : when === 'draft'
              ? 'Save draft'
              : when === 'now'
                ? 'Create and send'
                : 'Create and schedule'}
        </button>
      </form>
    </section>
  );
}
