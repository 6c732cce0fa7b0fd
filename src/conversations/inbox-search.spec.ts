import { parseInboxSearch } from './inbox-search.js';

describe('parseInboxSearch', () => {
  it('turns words into prefix terms that must all match', () => {
    expect(parseInboxSearch('Ada Love').nameQuery).toBe('ada:* & love:*');
  });

  it('drops operators and punctuation a user might type, so the query cannot be malformed', () => {
    expect(parseInboxSearch("o'brien & | ! (x)").nameQuery).toBe('o:* & brien:* & x:*');
  });

  it('matches a number by its last digits, however it is written', () => {
    expect(parseInboxSearch('(415) 555-0100').reversedPhonePrefix).toBe('0010555514%');
  });

  it('ignores too few digits and empty terms', () => {
    expect(parseInboxSearch('ab 12')).toEqual({ nameQuery: 'ab:* & 12:*', reversedPhonePrefix: undefined });
    expect(parseInboxSearch('(415) 555-0100').nameQuery).toBeUndefined();
    expect(parseInboxSearch('  --  ')).toEqual({ nameQuery: undefined, reversedPhonePrefix: undefined });
  });
});
