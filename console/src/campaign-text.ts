/**
 * The live preview of a campaign's text. It follows the server's placeholder rules
 * (src/campaigns/campaign-text.ts), which render the text in SQL for each recipient:
 * `{{name}}`, `{{firstName}}`, `{{lastName}}`, `{{phone}}` and `{{attributes.<key>}}`, spaces
 * allowed inside the braces, a missing value renders empty, anything else is refused with the same
 * message the API gives. src/console/campaign-preview.spec.ts checks that the two agree.
 */

export interface PreviewContact {
  name?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  attributes?: Record<string, unknown>;
}

export type Preview = { ok: true; text: string; personalised: boolean } | { ok: false; error: string };

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const FIELDS = ['name', 'firstName', 'lastName', 'phone'] as const;
type Field = (typeof FIELDS)[number];
const ATTRIBUTE = /^attributes\.(.+)$/;

export const PLACEHOLDER_HELP = '{{name}}, {{firstName}}, {{lastName}}, {{phone}} and {{attributes.<key>}}';

export function previewCampaignText(text: string, contact: PreviewContact): Preview {
  let rendered = '';
  let last = 0;
  let personalised = false;
  for (const match of text.matchAll(PLACEHOLDER)) {
    rendered += text.slice(last, match.index);
    const value = placeholderValue(match[1], contact);
    if (value === undefined) {
      return {
        ok: false,
        error: `Unknown placeholder {{${match[1]}}}; use name, firstName, lastName, phone or attributes.<key>`,
      };
    }
    rendered += value;
    personalised = true;
    last = match.index + match[0].length;
  }
  return { ok: true, text: rendered + text.slice(last), personalised };
}

/** The value for one placeholder, or undefined when the placeholder is unknown. */
function placeholderValue(inner: string, contact: PreviewContact): string | undefined {
  if ((FIELDS as readonly string[]).includes(inner)) return contact[inner as Field] ?? '';
  const attribute = ATTRIBUTE.exec(inner);
  if (!attribute) return undefined;
  const value = contact.attributes?.[attribute[1]];
  return value === undefined || value === null
    ? ''
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);
}
