import { ValidationError } from '../../common/errors/domain-error.js';
import { toE164OrThrow } from '../../common/phone/phone-number.js';
import { canonicalTimeZone } from '../../common/time-zones/time-zone.js';
import {
  ATTRIBUTE_KEY_PATTERN,
  ATTRIBUTE_VALUE_MAX_LENGTH,
  MAX_ATTRIBUTES,
  NAME_MAX_LENGTH,
  normaliseName,
  normaliseTags,
  quoted,
  storableTextProblem,
  tagsProblem,
} from '../contact-fields.js';

/** Where each field sits in a CSV row, read from the header row. */
export interface ImportLayout {
  width: number;
  phone: number;
  name?: number;
  firstName?: number;
  lastName?: number;
  tags?: number;
  timeZone?: number;
  attributes: Array<{ key: string; index: number }>;
}

/** One valid CSV row. `null` means the cell was empty or absent: the stored value stays. */
export interface ImportRow {
  phone: string;
  name: string | null;
  firstName: string | null;
  lastName: string | null;
  tags: string[] | null;
  /** Canonical IANA name. */
  timeZone: string | null;
  attributes: Record<string, string> | null;
}

type KnownColumn = 'phone' | 'name' | 'firstName' | 'lastName' | 'tags' | 'timeZone';

/** Known columns match regardless of case, spaces, `_` and `-`: `First Name`, `first_name`, `firstName`. */
const KNOWN_COLUMNS = new Map<string, KnownColumn>([
  ['phone', 'phone'],
  ['name', 'name'],
  ['firstname', 'firstName'],
  ['lastname', 'lastName'],
  ['tags', 'tags'],
  ['timezone', 'timeZone'],
]);

export const TAG_SEPARATOR = ';';

export function readImportHeader(cells: readonly string[]): { layout: ImportLayout } | { problem: string } {
  const known: Partial<Record<KnownColumn, number>> = {};
  const attributes: ImportLayout['attributes'] = [];
  const seen = new Set<string>();
  for (const [index, cell] of cells.entries()) {
    const title = cell.trim();
    if (title.length === 0)
      return { problem: `the header row has an empty column name (column ${index + 1})` };
    const column = KNOWN_COLUMNS.get(title.toLowerCase().replace(/[\s_-]/g, ''));
    const identity = column ?? title;
    if (seen.has(identity)) return { problem: `the header row names the column ${quoted(title)} twice` };
    seen.add(identity);
    if (column) {
      known[column] = index;
    } else if (!ATTRIBUTE_KEY_PATTERN.test(title)) {
      return {
        problem: `the header row has the column ${quoted(title)}, which is neither phone, name, firstName, lastName, tags or timeZone nor a valid attribute name (a letter, then letters, digits or _)`,
      };
    } else {
      attributes.push({ key: title, index });
    }
  }
  if (known.phone === undefined) {
    return {
      problem: 'the header row has no "phone" column (expected e.g. phone,name,firstName,lastName,tags)',
    };
  }
  if (attributes.length > MAX_ATTRIBUTES) {
    return {
      problem: `the header row has ${attributes.length} attribute columns; at most ${MAX_ATTRIBUTES} are allowed`,
    };
  }
  return { layout: { ...known, phone: known.phone, width: cells.length, attributes } };
}

/** Reads one data row against the header, or says why the row is rejected. */
export function readImportRow(
  cells: readonly string[],
  layout: ImportLayout,
  defaultCountry?: string,
): { row: ImportRow } | { reason: string } {
  if (cells.length !== layout.width) {
    return {
      reason: `has ${cells.length} ${cells.length === 1 ? 'column' : 'columns'} but the header has ${layout.width}`,
    };
  }
  const rawPhone = cells[layout.phone].trim();
  if (rawPhone.length === 0) return { reason: 'phone is missing' };
  let phone: string;
  try {
    phone = toE164OrThrow(rawPhone, 'phone', defaultCountry);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const hint =
      defaultCountry || /^(\+|00)/.test(rawPhone)
        ? ''
        : ' (write it with its country code, as +14155550100, or give the country for numbers without one)';
    return { reason: `phone ${quoted(rawPhone)} is not a valid phone number${hint}` };
  }

  const names: Pick<ImportRow, 'name' | 'firstName' | 'lastName'> = {
    name: null,
    firstName: null,
    lastName: null,
  };
  for (const field of ['name', 'firstName', 'lastName'] as const) {
    const index = layout[field];
    const value = index === undefined ? null : normaliseName(cells[index]);
    if (value !== null && value.length > NAME_MAX_LENGTH)
      return { reason: `${field} is longer than ${NAME_MAX_LENGTH} characters` };
    const problem = value === null ? undefined : storableTextProblem(value);
    if (problem) return { reason: `${field} ${problem}` };
    names[field] = value;
  }

  let tags: string[] | null = null;
  if (layout.tags !== undefined) {
    const parsed = parseTagCell(cells[layout.tags]);
    const problem = tagsProblem(parsed);
    if (problem) return { reason: `tags: ${problem}` };
    tags = parsed.length > 0 ? parsed : null;
  }

  let timeZone: string | null = null;
  if (layout.timeZone !== undefined) {
    const cell = cells[layout.timeZone].trim();
    if (cell.length > 0) {
      timeZone = canonicalTimeZone(cell) ?? null;
      if (timeZone === null)
        return { reason: `timeZone ${quoted(cell)} is not an IANA time zone (such as America/New_York)` };
    }
  }

  let attributes: Record<string, string> | null = null;
  for (const { key, index } of layout.attributes) {
    const value = cells[index].trim();
    if (value.length === 0) continue;
    if (value.length > ATTRIBUTE_VALUE_MAX_LENGTH) {
      return { reason: `attribute ${quoted(key)} is longer than ${ATTRIBUTE_VALUE_MAX_LENGTH} characters` };
    }
    const problem = storableTextProblem(value);
    if (problem) return { reason: `attribute ${quoted(key)} ${problem}` };
    attributes ??= {};
    attributes[key] = value;
  }

  return { row: { phone, ...names, tags, timeZone, attributes } };
}

/** `vip; newsletter;;vip` → `['vip', 'newsletter']`. */
export function parseTagCell(cell: string): string[] {
  return normaliseTags(cell.split(TAG_SEPARATOR)).filter((tag) => tag.length > 0);
}
