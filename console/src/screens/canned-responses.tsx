import { useState } from 'preact/hooks';

import { cannedResponsesApi } from '../api/endpoints';
import type { CannedResponse } from '../api/models';
import { PLACEHOLDER_HELP } from '../campaign-text';
import { ErrorAlert, Loading } from '../components/feedback';
import { PageHeading } from '../components/page-heading';
import { useAction, useLoad } from '../hooks';

/** Admins keep the team's standard answers here; agents insert them with `/` in the reply box. */
export function CannedResponses() {
  const list = useLoad(() => cannedResponsesApi.list(), []);
  const [editing, setEditing] = useState<string>();
  const [notice, setNotice] = useState('');
  const items = list.data?.items;

  const remove = useAction(async (response: CannedResponse) => {
    await cannedResponsesApi.remove(response.id);
    setNotice(`Deleted /${response.shortcode}.`);
    list.reload();
  });

  return (
    <section>
      <PageHeading title="Canned responses" />
      <p class="muted">
        Agents type <kbd>/</kbd> and the shortcode in the reply box to insert one. The text can use{' '}
        {PLACEHOLDER_HELP}, filled in for the conversation’s contact.
      </p>
      <div class="two-columns">
        <div class="column-main">
          <ErrorAlert error={list.error} context="Could not load canned responses" />
          <ErrorAlert error={remove.error} context="Could not delete" />
          <p class="small muted" role="status">
            {notice}
          </p>
          {items === undefined ? (
            <Loading what="canned responses" />
          ) : items.length === 0 ? (
            <p class="empty">No canned responses yet.</p>
          ) : (
            <ul class="canned-responses" aria-label="Canned responses">
              {items.map((response) =>
                editing === response.id ? (
                  <li key={response.id}>
                    <CannedForm
                      existing={response}
                      onDone={(message) => {
                        setEditing(undefined);
                        setNotice(message);
                        list.reload();
                      }}
                      onCancel={() => setEditing(undefined)}
                    />
                  </li>
                ) : (
                  <li key={response.id} class="canned-response">
                    <p>
                      <strong>/{response.shortcode}</strong>
                    </p>
                    <p class="message-text">{response.text}</p>
                    <p>
                      <button
                        type="button"
                        class="secondary small-button"
                        aria-label={`Edit /${response.shortcode}`}
                        onClick={() => setEditing(response.id)}
                      >
                        Edit
                      </button>{' '}
                      <button
                        type="button"
                        class="link-button small"
                        aria-label={`Delete /${response.shortcode}`}
                        disabled={remove.busy}
                        onClick={() => void remove.run(response)}
                      >
                        Delete
                      </button>
                    </p>
                  </li>
                ),
              )}
            </ul>
          )}
        </div>
        <aside class="column-side">
          <h2>New canned response</h2>
          <CannedForm
            onDone={(message) => {
              setNotice(message);
              list.reload();
            }}
          />
        </aside>
      </div>
    </section>
  );
}

function CannedForm({
  existing,
  onDone,
  onCancel,
}: {
  existing?: CannedResponse;
  onDone: (message: string) => void;
  onCancel?: () => void;
}) {
  const [shortcode, setShortcode] = useState(existing?.shortcode ?? '');
  const [text, setText] = useState(existing?.text ?? '');
  const prefix = existing ? `edit-${existing.id}` : 'new-canned';
  const save = useAction(async () => {
    const saved = existing
      ? await cannedResponsesApi.update(existing.id, { shortcode, text })
      : await cannedResponsesApi.create({ shortcode, text });
    if (!existing) {
      setShortcode('');
      setText('');
    }
    onDone(existing ? `Saved /${saved.shortcode}.` : `Created /${saved.shortcode}.`);
  });
  return (
    <form
      class="canned-form"
      onSubmit={(event) => {
        event.preventDefault();
        void save.run();
      }}
    >
      <ErrorAlert error={save.error} context="Not saved" />
      <div class="field">
        <label for={`${prefix}-shortcode`}>Shortcode</label>
        <input
          id={`${prefix}-shortcode`}
          required
          maxLength={50}
          value={shortcode}
          onInput={(event) => setShortcode(event.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for={`${prefix}-text`}>Text</label>
        <textarea
          id={`${prefix}-text`}
          required
          rows={4}
          maxLength={4096}
          value={text}
          onInput={(event) => setText(event.currentTarget.value)}
        />
      </div>
      <button type="submit" disabled={save.busy}>
        {existing ? 'Save' : 'Create'}
      </button>{' '}
      {onCancel ? (
        <button type="button" class="link-button" onClick={onCancel}>
          Cancel
        </button>
      ) : null}
    </form>
  );
}
