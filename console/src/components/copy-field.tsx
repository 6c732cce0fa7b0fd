import { useRef, useState } from 'preact/hooks';

/** A read-only value with a copy button, e.g. a webhook URL to paste into a provider's dashboard. */
export function CopyField({ id, label, value }: { id: string; label: string; value: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<string>('');

  const copy = async () => {
    try {
      // The Clipboard API exists only in secure contexts (HTTPS or localhost); elsewhere this throws
      // and the text is selected for the user to copy.
      await navigator.clipboard.writeText(value);
      setCopied(`${label} copied`);
    } catch {
      input.current?.select();
      setCopied('Copying is blocked here: the text is selected, press Ctrl+C');
    }
  };

  return (
    <div class="copy-field">
      <label for={id}>{label}</label>
      <div class="copy-row">
        <input
          id={id}
          ref={input}
          type="text"
          readOnly
          value={value}
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" class="secondary" onClick={() => void copy()} aria-label={`Copy ${label}`}>
          Copy
        </button>
      </div>
      <p class="small muted" role="status">
        {copied}
      </p>
    </div>
  );
}
