/**
 * Per-recipient text of a campaign. The placeholders are parsed here once; the rendering itself
 * happens in SQL, inside the statement that materialises the audience, so the audience never has
 * to be loaded into memory. Literal text and attribute names travel as bind parameters.
 */

export type TextSegment =
  | { kind: 'literal'; text: string }
  | { kind: 'field'; field: 'name' | 'firstName' | 'lastName' | 'phone' }
  | { kind: 'attribute'; name: string };

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const FIELDS = { name: 'name', firstName: 'first_name', lastName: 'last_name', phone: 'phone' } as const;
const ATTRIBUTE = /^attributes\.(.+)$/;

export class UnknownPlaceholderError extends Error {
  constructor(readonly placeholder: string) {
    super(`Unknown placeholder {{${placeholder}}}; use name, firstName, lastName, phone or attributes.<key>`);
  }
}

export function parseCampaignText(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (match.index > last) segments.push({ kind: 'literal', text: text.slice(last, match.index) });
    segments.push(placeholder(match[1]));
    last = match.index + match[0].length;
  }
  if (last < text.length) segments.push({ kind: 'literal', text: text.slice(last) });
  return segments;
}

function placeholder(inner: string): TextSegment {
  if (Object.hasOwn(FIELDS, inner)) return { kind: 'field', field: inner as keyof typeof FIELDS };
  const attribute = ATTRIBUTE.exec(inner);
  if (attribute) return { kind: 'attribute', name: attribute[1] };
  throw new UnknownPlaceholderError(inner);
}

export function isPersonalised(segments: readonly TextSegment[]): boolean {
  return segments.some((s) => s.kind !== 'literal');
}

/**
 * A SQL text expression rendering `segments` for the contact aliased `alias`; its parameters are
 * appended to `params` (numbered after those already there). A missing value renders empty.
 */
export function renderSql(segments: readonly TextSegment[], alias: string, params: unknown[]): string {
  if (segments.length === 0) return `''::text`;
  const parts = segments.map((segment) => {
    switch (segment.kind) {
      case 'literal':
        params.push(segment.text);
        return `$${params.length}::text`;
      case 'field':
        return `coalesce(${alias}.${FIELDS[segment.field]}, '')`;
      case 'attribute':
        params.push(segment.name);
        return `coalesce(${alias}.attributes ->> $${params.length}::text, '')`;
    }
  });
  return `(${parts.join(' || ')})`;
}

/** The same rendering in JS, for previews and tests: the SQL must agree with it. */
export function renderText(
  segments: readonly TextSegment[],
  contact: {
    name?: string | null;
    firstName?: string | null;
    lastName?: string | null;
    phone?: string | null;
    attributes?: Record<string, unknown>;
  },
): string {
  return segments
    .map((segment) => {
      switch (segment.kind) {
        case 'literal':
          return segment.text;
        case 'field':
          return contact[segment.field] ?? '';
        case 'attribute': {
          const value = contact.attributes?.[segment.name];
          return value === undefined || value === null
            ? ''
            : typeof value === 'string'
              ? value
              : JSON.stringify(value);
        }
      }
    })
    .join('');
}
