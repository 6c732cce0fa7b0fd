import type { MatchMode } from './auto-reply.entity.js';

/**
 * The form used on both sides of every comparison: case, spacing and punctuation do not matter
 * ("Stop.", " STOP! " and "stop" are the same word), as carriers treat consent keywords.
 */
export function normaliseKeywordText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .toUpperCase();
}

export function matchesKeyword(text: string, keywords: readonly string[], mode: MatchMode): boolean {
  const message = normaliseKeywordText(text);
  if (message === '') return false;
  return keywords.some((raw) => {
    const keyword = normaliseKeywordText(raw);
    if (keyword === '') return false;
    switch (mode) {
      case 'exact':
        return message === keyword;
      case 'startsWith':
        return message === keyword || message.startsWith(`${keyword} `);
      case 'contains':
        return ` ${message} `.includes(` ${keyword} `);
    }
  });
}

const POLITE =
  /^(?:(?:PLEASE|PLS|PLZ|KINDLY|HI|HELLO|OK|OKAY)\s+)*(.*?)(?:\s+(?:PLEASE|PLS|PLZ|THANKS|THANK YOU|THX|NOW))*$/;
const OPT_OUT_PHRASES = new RegExp(
  '^(?:' +
    [
      'STOP',
      'STOP ALL',
      'UNSUBSCRIBE',
      'UNSUBSCRIBE ME',
      'OPT OUT',
      'OPT ME OUT',
      'REMOVE ME',
      'REMOVE ME FROM (?:YOUR |THE |THIS )?(?:LIST|MAILING LIST)',
      'TAKE ME OFF(?: (?:YOUR|THE|THIS) LIST)?',
      'STOP (?:TEXTING|MESSAGING|CONTACTING|SMSING|SPAMMING)(?: ME)?',
      'STOP SENDING(?: ME)?(?: (?:MESSAGES|TEXTS|SMS|THESE|THIS))?',
      'STOP IT',
      '(?:DO NOT|DONT|DON T) (?:TEXT|MESSAGE|CONTACT) ME(?: AGAIN| ANYMORE)?',
      'NO MORE (?:TEXTS|MESSAGES|SMS)',
      'I WANT TO (?:UNSUBSCRIBE|OPT OUT)',
    ].join('|') +
    ')$',
);

/**
 * Whether a message is only an opt-out request in words of its own ("please stop", "unsubscribe
 * me", "stop texting me"): not a carrier keyword, so it is not acted on, but an agent should see it.
 * The whole message must be the phrase (with at most a please or thanks around it), so "stop by the
 * shop" or "don't stop the deliveries" are not flagged.
 */
export function isOptOutPhrase(text: string): boolean {
  const core = POLITE.exec(normaliseKeywordText(text))?.[1] ?? '';
  return core !== '' && OPT_OUT_PHRASES.test(core);
}
