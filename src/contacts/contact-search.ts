/**
 * How `GET /contacts?search=` reads its term. A term that starts like an international number
 * (`+49151`, `0049151`) becomes a prefix match on the E.164 phone, served by
 * `contacts_phone_pattern_idx` (text_pattern_ops); other digit-only terms (`(415) 555-0100`,
 * `5550100`) match anywhere in the phone; anything else matches names case-insensitively anywhere.
 * The infix matches are served by trigram indexes (`contacts_*_trgm_idx`) for terms of three
 * characters or more; shorter ones filter rows while walking the newest-first index.
 */
export type ContactSearch =
  | { kind: 'phone-prefix'; pattern: string }
  | { kind: 'phone-digits'; pattern: string }
  | {
      kind: 'name';
      pattern: string;
      /**
       * For a name with a number in it ("Customer 1042"): the number alone, for the index to look up;
       * `pattern` is then checked on what it finds. Contacts named by a scheme share its words with
       * thousands of others, whose trigrams the index would read in full, while the number picks out a few.
       */
      indexPattern?: string;
    };

const PHONE_LIKE = /^\+?[\d\s().\-/]+$/;

export function parseContactSearch(term: string | undefined): ContactSearch | undefined {
  const trimmed = term?.trim() ?? '';
  if (trimmed.length === 0) return undefined;
  const digits = trimmed.replace(/\D/g, '');
  if (PHONE_LIKE.test(trimmed) && digits.length > 0) {
    if (trimmed.startsWith('+')) return { kind: 'phone-prefix', pattern: `+${digits}%` };
    if (digits.startsWith('00') && digits.length > 2)
      return { kind: 'phone-prefix', pattern: `+${digits.slice(2)}%` };
    return { kind: 'phone-digits', pattern: `%${digits}%` };
  }
  const pattern = `%${escapeLike(trimmed)}%`;
  const words = trimmed.split(/\s+/);
  const number = words
    .filter((word) => word.length >= 3 && /\d/.test(word))
    .sort((a, b) => b.length - a.length)[0];
  return words.length > 1 && number
    ? { kind: 'name', pattern, indexPattern: `%${escapeLike(number)}%` }
    : { kind: 'name', pattern };
}

/** LIKE treats `%`, `_` and the escape character `\` specially; a search term means them literally. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}
