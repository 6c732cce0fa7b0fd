import { useRef, useState } from 'preact/hooks';

import { cannedResponsesApi, contactsApi } from '../api/endpoints';
import type { CannedResponse, ConversationContact } from '../api/models';
import { previewCampaignText, type PreviewContact } from '../campaign-text';

/**
 * `/` in the reply box: the word being typed after a `/` (at the start or after a space) filters the
 * canned responses; the picked one is inserted rendered for the conversation's contact, with the
 * same placeholders as campaigns, so the agent can still edit it before sending.
 */
export function cannedQueryAt(text: string, caret: number): string | undefined {
  const match = /(?:^|\s)\/([\p{L}\p{N}_-]*)$/u.exec(text.slice(0, caret));
  return match ? match[1] : undefined;
}

function matching(responses: CannedResponse[], query: string): CannedResponse[] {
  const wanted = query.toLowerCase();
  const starts = responses.filter((response) => response.shortcode.toLowerCase().startsWith(wanted));
  const contains = responses.filter(
    (response) =>
      !starts.includes(response) &&
      (response.shortcode.toLowerCase().includes(wanted) || response.text.toLowerCase().includes(wanted)),
  );
  return [...starts, ...contains].slice(0, 8);
}

export interface CannedState {
  load(): void;
  responses: CannedResponse[] | undefined;
  error: boolean;
  active: number;
  activeId: string | undefined;
  render(response: CannedResponse): string;
  /** Arrow keys move, Enter or Tab inserts; true when the key was the picker's. */
  handleKey(event: KeyboardEvent, query: string, insert: (text: string) => void): boolean;
}

export function useCannedResponses(contact: ConversationContact): CannedState {
  const [responses, setResponses] = useState<CannedResponse[]>();
  const [error, setError] = useState(false);
  const [active, setActive] = useState(0);
  const [attributes, setAttributes] = useState<Record<string, unknown>>();
  const loading = useRef(false);

  const load = () => {
    if (loading.current) return;
    loading.current = true;
    cannedResponsesApi.list().then(
      (page) => setResponses(page.items),
      () => setError(true),
    );
    // Attributes are not part of the conversation's contact; read them once for {{attributes.*}}.
    contactsApi.get(contact.id).then(
      (full) => setAttributes(full.attributes),
      () => undefined,
    );
  };

  const render = (response: CannedResponse) => {
    const previewContact: PreviewContact = { ...contact, attributes };
    const preview = previewCampaignText(response.text, previewContact);
    return preview.ok ? preview.text : response.text;
  };

  return {
    load,
    responses,
    error,
    active,
    activeId: responses && responses.length > 0 ? `canned-option-${active}` : undefined,
    render,
    handleKey: (event, query, insert) => {
      const shown = matching(responses ?? [], query);
      if (shown.length === 0) return false;
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setActive((current) => (Math.min(current, shown.length - 1) + step + shown.length) % shown.length);
        return true;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        insert(render(shown[Math.min(active, shown.length - 1)]));
        setActive(0);
        return true;
      }
      return false;
    },
  };
}

export function CannedPicker({
  query,
  state,
  onPick,
}: {
  query: string;
  state: CannedState;
  onPick: (text: string) => void;
}) {
  if (state.error) return <p class="canned-picker small">Canned responses could not be loaded.</p>;
  if (!state.responses) return <p class="canned-picker small">Loading canned responses…</p>;
  const shown = matching(state.responses, query);
  if (shown.length === 0) return <p class="canned-picker small">No canned response matches “/{query}”.</p>;
  const active = Math.min(state.active, shown.length - 1);
  return (
    <ul id="canned-list" class="canned-picker" role="listbox" aria-label="Canned responses">
      {shown.map((response, index) => (
        <li
          key={response.id}
          id={`canned-option-${index}`}
          role="option"
          aria-selected={index === active}
          class={index === active ? 'is-active' : undefined}
          // mousedown, not click: the textarea keeps its focus and caret.
          onMouseDown={(event) => {
            event.preventDefault();
            onPick(state.render(response));
          }}
        >
          <strong>/{response.shortcode}</strong> <span class="muted">{state.render(response)}</span>
        </li>
      ))}
    </ul>
  );
}
