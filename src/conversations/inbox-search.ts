/**
 * The inbox search, in a form indexes can serve: name words by prefix through full-text search
 * (contacts_name_words_idx) and numbers by their end through a reversed-phone prefix
 * (contacts_phone_suffix_idx). The expression must match the migration's index exactly.
 */
export const CONTACT_NAME_WORDS = `to_tsvector('simple', coalesce(name, '') || ' ' || coalesce(first_name, '') || ' ' || coalesce(last_name, ''))`;

export interface InboxSearch {
  /** A to_tsquery expression (`ada:* & love:*`), or undefined when the term has no words. */
  nameQuery?: string;
  /** LIKE pattern on reverse(phone), or undefined when the term has too few digits. */
  reversedPhonePrefix?: string;
}

const MIN_DIGITS = 3;

export function parseInboxSearch(term: string): InboxSearch {
  const words = term
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 8);
  const digits = term.replace(/\D/g, '');
  // A term that is only a number is looked up as a number: names rarely hold digits.
  const nameWords = words.some((word) => /\p{L}/u.test(word)) ? words : [];
  return {
    nameQuery: nameWords.length > 0 ? nameWords.map((word) => `${word}:*`).join(' & ') : undefined,
    reversedPhonePrefix: digits.length >= MIN_DIGITS ? `${[...digits].reverse().join('')}%` : undefined,
  };
}
