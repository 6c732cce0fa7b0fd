import { useEffect, useRef } from 'preact/hooks';

/** The inbox's keyboard shortcuts, as the `?` overlay lists them. */
const INBOX_SHORTCUTS: Array<{ keys: string; action: string }> = [
  { keys: 'j / k', action: 'Next / previous conversation' },
  { keys: 'r', action: 'Write a reply' },
  { keys: 'n', action: 'Write an internal note' },
  { keys: '/', action: 'In the reply box: insert a canned response' },
  { keys: 'a', action: 'Assign the conversation to me' },
  { keys: 'e', action: 'Resolve (close) the conversation, or reopen it' },
  { keys: 's', action: 'Snooze the conversation' },
  { keys: 'Ctrl + Enter', action: 'Send the reply or note' },
  { keys: '?', action: 'Show this list' },
  { keys: 'Esc', action: 'Close this list or a menu' },
];

/** A modal list of the shortcuts; focus moves into it and returns where it was on close. */
export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    dialog.current?.focus();
    return () => previous?.focus();
  }, []);
  return (
    <div class="overlay" onClick={onClose}>
      <div
        class="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        tabIndex={-1}
        ref={dialog}
        onClick={(event) => event.stopPropagation()}
        onKeyDown={(event) => {
          if (event.key === 'Escape') onClose();
        }}
      >
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <table class="shortcuts">
          <tbody>
            {INBOX_SHORTCUTS.map((shortcut) => (
              <tr key={shortcut.keys}>
                <th scope="row">
                  <kbd>{shortcut.keys}</kbd>
                </th>
                <td>{shortcut.action}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" class="secondary" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}

/** Whether a key press belongs to a text field (then it is typing, not a shortcut). */
function isTyping(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  if (!target) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  );
}

/** A plain key press (no Ctrl, Alt or ⌘) outside text fields: a candidate shortcut. */
export function isShortcut(event: KeyboardEvent): boolean {
  return !event.ctrlKey && !event.metaKey && !event.altKey && !isTyping(event);
}
