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
