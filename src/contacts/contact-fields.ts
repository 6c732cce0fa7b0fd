/**
 * The rules for a contact's free-form fields, shared by the JSON API and the CSV import so both
 * accept exactly the same data.
 */
export const NAME_MAX_LENGTH = 200;
export const TAG_MAX_LENGTH = 64;
export const MAX_TAGS = 50;
export const MAX_ATTRIBUTES = 50;
export const ATTRIBUTE_VALUE_MAX_LENGTH = 1000;
/** Usable as a `{{attributes.X}}` placeholder and as a CSV column name. */
export const ATTRIBUTE_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why PostgreSQL would refuse to store this text (a 500 instead of a 400): text columns cannot
 * hold NUL, and jsonb refuses escaped lone surrogates. Undefined when the text is storable.
 */
export function storableTextProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode text';
  return undefined;
}

/** Trims every tag and keeps the first of duplicates. Blank tags stay, so validation can refuse them. */
export function normaliseTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim()))];
}

/** Why a normalised tag list is unacceptable, or undefined when it is fine. */
export function tagsProblem(tags: readonly string[]): string | undefined {
  if (tags.length > MAX_TAGS) return `has more than ${MAX_TAGS} tags`;
  const blank = tags.find((tag) => tag.length === 0);
  if (blank !== undefined) return 'has an empty tag';
  const long = tags.find((tag) => tag.length > TAG_MAX_LENGTH);
  if (long !== undefined) return `tag ${quoted(long)} is longer than ${TAG_MAX_LENGTH} characters`;
  for (const tag of tags) {
    const problem = storableTextProblem(tag);
    if (problem) return `tag ${quoted(tag)} ${problem}`;
  }
  return undefined;
}

/** Why a value is not an acceptable attributes object, or undefined when it is one. */
export function attributesProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'must be an object of string values';
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_ATTRIBUTES) return `must have at most ${MAX_ATTRIBUTES} keys`;
  for (const [key, item] of entries) {
    if (!ATTRIBUTE_KEY_PATTERN.test(key)) {
      return `key ${quoted(key)} must start with a letter and contain only letters, digits and _ (at most 64)`;
    }
    if (typeof item !== 'string') return `value of ${key} must be a string`;
    if (item.length > ATTRIBUTE_VALUE_MAX_LENGTH)
      return `value of ${key} is longer than ${ATTRIBUTE_VALUE_MAX_LENGTH} characters`;
    const problem = storableTextProblem(item);
    if (problem) return `value of ${key} ${problem}`;
  }
  return undefined;
}

/** Names are stored trimmed; a blank name is no name. */
export function normaliseName(value: string | null): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed.length > 0 ? trimmed : null;
}

/** A user-supplied value for a message: JSON-quoted and cut short so a reply stays small. */
export function quoted(value: string, max = 40): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}
