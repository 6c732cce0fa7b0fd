import { useEffect, useRef, useState } from 'preact/hooks';

import { conversationsApi } from '../api/endpoints';
import { ApiError, messageOf } from '../api/errors';
import type { Channel, Conversation, Note, Reply, Template } from '../api/models';
import { isWhatsApp } from '../channels-cache';
import {
  EMPTY_TEMPLATE,
  TemplateFields,
  templateFrom,
  type TemplateInput,
} from '../components/template-fields';
import { contactName } from '../format';
import { CannedPicker, cannedQueryAt, useCannedResponses } from './canned-picker';

type Mode = 'text' | 'template' | 'note';

/** What the thread's keyboard shortcuts can ask of the box. */
export interface ReplyBoxHandle {
  focus(mode: 'text' | 'note'): void;
}

interface Props {
  conversation: Conversation;
  channel: Channel | undefined;
  onSent: (messageId: string) => Promise<void>;
  onNoted: (note: Note) => void;
  controls: { current: ReplyBoxHandle | null };
}

/**
 * The agent's reply. The server decides whether a reply may go out; when it refuses, the box says
 * why and what to do instead: an opted-out contact (403) must opt back in, and outside WhatsApp's
 * 24-hour window (422) only a template can be sent.
 */
export function ReplyBox({ conversation, channel, onSent, onNoted, controls }: Props) {
  const [mode, setMode] = useState<Mode>('text');
  const [text, setText] = useState('');
  const [noteText, setNoteText] = useState('');
  const [caret, setCaret] = useState(0);
  const [pickerClosed, setPickerClosed] = useState(false);
  const textArea = useRef<HTMLTextAreaElement>(null);
  const noteArea = useRef<HTMLTextAreaElement>(null);
  const canned = useCannedResponses(conversation.contact);
  const cannedQuery = mode === 'text' && !pickerClosed ? cannedQueryAt(text, caret) : undefined;
  const [template, setTemplate] = useState<TemplateInput>(EMPTY_TEMPLATE);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<unknown>();
  const [sentNotice, setSentNotice] = useState('');
  const templateId = useRef<HTMLInputElement>(null);
  const name = contactName(conversation.contact);
  // The server refuses every reply to an opted-out contact: nothing to type until they opt back in.
  // An internal note is never sent to them, so it stays open.
  const refused = conversation.contact.optedOut && mode !== 'note';
  const whatsApp = isWhatsApp(channel);
  const windowOpen =
    conversation.contact.whatsappWindowExpiresAt !== null &&
    new Date(conversation.contact.whatsappWindowExpiresAt) > new Date();

  useEffect(() => {
    if (mode === 'template') templateId.current?.focus();
  }, [mode]);

  useEffect(() => {
    controls.current = {
      focus: (target) => {
        setMode(target);
        // The textarea of the new mode exists after the render.
        setTimeout(() => (target === 'note' ? noteArea : textArea).current?.focus());
      },
    };
  });

  useEffect(() => {
    if (cannedQuery !== undefined) canned.load();
  }, [cannedQuery !== undefined]);

  const insertCanned = (rendered: string) => {
    const before = text.slice(0, caret);
    const start = before.lastIndexOf('/');
    const next = text.slice(0, start) + rendered + text.slice(caret);
    setText(next);
    const position = start + rendered.length;
    setCaret(position);
    setTimeout(() => {
      textArea.current?.focus();
      textArea.current?.setSelectionRange(position, position);
    });
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (mode === 'note') {
      if (!noteText.trim()) return;
      setBusy(true);
      setRefusal(undefined);
      setSentNotice('');
      try {
        const note = await conversationsApi.addNote(conversation.id, noteText);
        setNoteText('');
        setSentNotice('Note added.');
        onNoted(note);
      } catch (caught) {
        setRefusal(caught);
      } finally {
        setBusy(false);
      }
      return;
    }
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
    <form
      class={`reply-box${mode === 'note' ? ' is-note' : ''}`}
      onSubmit={(event) => void submit(event)}
      aria-labelledby="reply-title"
    >
      <h3 id="reply-title" class="visually-hidden">
        Reply
      </h3>
      <div class="segmented reply-modes" role="group" aria-label="Write">
        <button
          type="button"
          class="segment"
          aria-pressed={mode !== 'note'}
          aria-keyshortcuts="r"
          onClick={() => setMode('text')}
        >
          Reply
        </button>
        <button
          type="button"
          class="segment"
          aria-pressed={mode === 'note'}
          aria-keyshortcuts="n"
          onClick={() => setMode('note')}
        >
          Internal note
        </button>
      </div>
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
            <strong>{mode === 'note' ? 'Note not added: ' : 'Reply not sent: '}</strong>
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
      {mode === 'note' ? (
        <div class="field">
          <label for="note-text">Internal note (only your team sees it)</label>
          <textarea
            id="note-text"
            ref={noteArea}
            rows={3}
            maxLength={4096}
            value={noteText}
            onInput={(event) => setNoteText(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && (event.ctrlKey || event.metaKey))
                event.currentTarget.form?.requestSubmit();
            }}
          />
        </div>
      ) : mode === 'text' ? (
        <div class="field canned-anchor">
          <label for="reply-text">Reply to {name}</label>
          <textarea
            id="reply-text"
            ref={textArea}
            rows={3}
            maxLength={4096}
            value={text}
            placeholder="Type / for canned responses"
            disabled={refused}
            aria-describedby={notes.length > 0 ? 'reply-notes' : undefined}
            // A textbox has no aria-expanded (axe: aria-allowed-attr, critical): it says it offers a list instead.
            aria-autocomplete="list"
            aria-haspopup="listbox"
            aria-controls={cannedQuery !== undefined ? 'canned-list' : undefined}
            aria-activedescendant={cannedQuery !== undefined ? canned.activeId : undefined}
            onInput={(event) => {
              setText(event.currentTarget.value);
              setCaret(event.currentTarget.selectionStart);
              setPickerClosed(false);
            }}
            onClick={(event) => setCaret(event.currentTarget.selectionStart)}
            onKeyDown={(event) => {
              if (cannedQuery !== undefined && canned.handleKey(event, cannedQuery, insertCanned)) return;
              if (cannedQuery !== undefined && event.key === 'Escape') {
                event.preventDefault();
                setPickerClosed(true);
                return;
              }
              // Ctrl/⌘+Enter sends; Enter alone adds a line.
              if (event.key === 'Enter' && (event.ctrlKey || event.metaKey))
                event.currentTarget.form?.requestSubmit();
            }}
          />
          {cannedQuery !== undefined ? (
            <CannedPicker query={cannedQuery} state={canned} onPick={insertCanned} />
          ) : null}
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
        <button type="submit" disabled={busy || refused}>
          {busy
            ? 'Sending…'
            : mode === 'note'
              ? 'Add note'
              : mode === 'text'
                ? 'Send reply'
                : 'Send template'}
        </button>
        {mode !== 'note' ? (
          <button
            type="button"
            class="link-button"
            disabled={refused}
            onClick={() => setMode(mode === 'text' ? 'template' : 'text')}
          >
            {mode === 'text' ? 'Use a template' : 'Write text instead'}
          </button>
        ) : null}
        <span class="small muted" role="status">
          {sentNotice}
        </span>
      </div>
    </form>
  );
}
