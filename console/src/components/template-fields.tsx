import type { Ref } from 'preact';

import type { Template } from '../api/models';

export interface TemplateInput {
  id: string;
  version: string;
  languageCode: string;
  /** One `name=value` per line. */
  parameters: string;
}

export const EMPTY_TEMPLATE: TemplateInput = { id: '', version: '', languageCode: '', parameters: '' };

/** The template to send, or undefined while no template id is given. */
export function templateFrom(input: TemplateInput): Template | undefined {
  const id = input.id.trim();
  if (!id) return undefined;
  const parameters: Record<string, string> = {};
  for (const line of input.parameters.split('\n')) {
    const separator = line.indexOf('=');
    if (separator > 0) parameters[line.slice(0, separator).trim()] = line.slice(separator + 1).trim();
  }
  return {
    id,
    ...(input.version.trim() ? { version: input.version.trim() } : {}),
    ...(input.languageCode.trim() ? { languageCode: input.languageCode.trim() } : {}),
    ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
  };
}

interface Props {
  idPrefix: string;
  value: TemplateInput;
  onChange: (value: TemplateInput) => void;
  firstInput?: Ref<HTMLInputElement>;
}

/** A provider template (WhatsApp and other channels that need pre-approved messages). */
export function TemplateFields({ idPrefix, value, onChange, firstInput }: Props) {
  const set =
    (key: keyof TemplateInput) => (event: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) =>
      onChange({ ...value, [key]: event.currentTarget.value });
  return (
    <div class="template-fields">
      <div class="field">
        <label for={`${idPrefix}-id`}>Template id</label>
        <input
          id={`${idPrefix}-id`}
          ref={firstInput}
          required
          maxLength={200}
          value={value.id}
          onInput={set('id')}
        />
      </div>
      <div class="field-row">
        <div class="field">
          <label for={`${idPrefix}-version`}>Version (optional)</label>
          <input id={`${idPrefix}-version`} maxLength={50} value={value.version} onInput={set('version')} />
        </div>
        <div class="field">
          <label for={`${idPrefix}-language`}>Language code (optional)</label>
          <input
            id={`${idPrefix}-language`}
            maxLength={20}
            placeholder="en_US"
            value={value.languageCode}
            onInput={set('languageCode')}
          />
        </div>
      </div>
      <div class="field">
        <label for={`${idPrefix}-parameters`}>Parameters (optional)</label>
        <textarea
          id={`${idPrefix}-parameters`}
          rows={2}
          aria-describedby={`${idPrefix}-parameters-help`}
          value={value.parameters}
          onInput={set('parameters')}
        />
        <p id={`${idPrefix}-parameters-help`} class="help">
          One per line, as <code>name=value</code>.
        </p>
      </div>
    </div>
  );
}
