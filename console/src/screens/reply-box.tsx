import { useEffect, useRef, useState } from 'preact/hooks';

import { conversationsApi } from '../api/endpoints';
import { ApiError, messageOf } from '../api/errors';
import type { Channel, Conversation, Reply, Template } from '../api/models';
import { isWhatsApp } from '../channels-cache';
import {
  EMPTY_TEMPLATE,
  TemplateFields,
  templateFrom,
  type TemplateInput,
} from '../components/template-fields';
import { contactName } from '../format';

interface Props {
  conversation: Conversation;
  channel: Channel | undefined;
  onSent: (messageId: string) => Promise<void>;
}

/**
 * The agent's reply. The server decides whether a reply may go out; when it refuses, the box says
 * why and what to do instead: an opted-out contact (403) must opt back in, and outside WhatsApp's
 * 24-hour window (422) only a template can be sent.
 */
export function ReplyBox({ conversation, channel, onSent }: Props) {
  const [mode, setMode] = useState<'text' | 'template'>('text');
  const [text, setText] = useState('');
  const [template, setTemplate] = useState<TemplateInput>(EMPTY_TEMPLATE);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<unknown>();
  const [sentNotice, setSentNotice] = useState('');
  const templateId = useRef<HTMLInputElement>(null);
  const name = contactName(conversation.contact);
  const whatsApp = isWhatsApp(channel);
  const windowOpen =
    conversation.contact.whatsappWindowExpiresAt !== null &&
    new Date(conversation.contact.whatsappWindowExpiresAt) > new Date();

  useEffect(() => {
    if (mode === 'template') templateId.current?.focus();
  }, [mode]);

  const submit = async (event: Event) => {
    event.preventDefault();
    let reply: Reply;
    if (mode === 'text') {
      if (!text.trim()) return;
      reply = { text };
    } else {
      const built: Template | undefined = templateFrom(template);
      if (!built) return;
      reply = { template: built };
    }
    setBusy(true);
    setRefusal(undefined);
    setSentNotice('');
    try {
      const result = await conversationsApi.reply(conversation.id, reply);
      if (mode === 'text') setText('');
      else setTemplate(EMPTY_TEMPLATE);
      setSentNotice('Reply sent.');
      await onSent(result.id);
    } catch (caught) {
      setRefusal(caught);
    } finally {
      setBusy(false);
    }
  };

  const status = refusal instanceof ApiError ? refusal.status : undefined;
  const notes: string[] = [];
  if (conversation.contact.optedOut) {
    notes.push(
      `${name} has opted out of messages, so replies are refused until they opt back in (by texting START, or on the Contacts page).`,
    );
  }
  if (whatsApp && !windowOpen) {
    notes.push(
      `${name} has not written in the last 24 hours: WhatsApp allows only a template until they do.`,
    );
  }

  return (
    <form class="reply-box" onSubmit={(event) => void submit(event)} aria-labelledby="reply-title">
      <h3 id="reply-title" class="visually-hidden">
        Reply
      </h3>
      {notes.length > 0 ? (
        <div id="reply-notes" class="alert alert-warning">
          {notes.map((note) => (
            <p key={note}>{note}</p>
          ))}
        </div>
      ) : null}
      {refusal ? (
        <div class="alert alert-error" role="alert">
          <p>
            <strong>Reply not sent: </strong>
            {messageOf(refusal)}
          </p>
          {status === 403 ? (
            <p>
              They can opt back in by texting START, or be opted back in on the Contacts page once they agree.
            </p>
          ) : null}
          {status === 422 && mode === 'text' ? (
            <p>
              <button type="button" class="secondary small-button" onClick={() => setMode('template')}>
                Send a template instead
              </button>
            </p>
          ) : null}
          {refusal instanceof ApiError && refusal.status >= 500 && refusal.requestId ? (
            <p class="muted small">Request id {refusal.requestId}</p>
          ) : null}
        </div>
      ) : null}
      {mode === 'text' ? (
        <div class="field">
          <label for="reply-text">Reply to {name}</label>
          <textarea
            id="reply-text"
            rows={3}
            maxLength={4096}
            value={text}
            aria-describedby={notes.length > 0 ? 'reply-notes' : undefined}
            onInput={(event) => setText(event.currentTarget.value)}
            onKeyDown={(event) => {
              // Ctrl/⌘+Enter sends; Enter alone adds a line.
              if (event.key === 'Enter' && (event.ctrlKey || event.metaKey))
                event.currentTarget.form?.requestSubmit();
            }}
          />
        </div>
      ) : (
        <fieldset>
          <legend>Template reply to {name}</legend>
          <TemplateFields
            idPrefix="reply-template"
            value={template}
            onChange={setTemplate}
            firstInput={templateId}
          />
        </fieldset>
      )}
      <div class="reply-actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Sending…' : mode === 'text' ? 'Send reply' : 'Send template'}
        </button>
        <button
          type="button"
          class="link-button"
          onClick={() => setMode(mode === 'text' ? 'template' : 'text')}
        >
          {mode === 'text' ? 'Use a template' : 'Write text instead'}
        </button>
        <span class="small muted" role="status">
          {sentNotice}
        </span>
      </div>
    </form>
  );
}
