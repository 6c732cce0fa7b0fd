import { escapeLike, parseContactSearch } from './contact-search.js';

describe('parseContactSearch', () => {
  it('ignores a blank term', () => {
    expect(parseContactSearch(undefined)).toBeUndefined();
    expect(parseContactSearch('   ')).toBeUndefined();
  });

  it.each([
    ['+49 151', '+49151%'],
    ['+1 (415) 555-0100', '+14155550100%'],
    ['0049 151', '+49151%'],
  ])('reads %p as the start of an international number', (term, pattern) => {
    expect(parseContactSearch(term)).toEqual({ kind: 'phone-prefix', pattern });
  });

  it.each([
    ['(415) 555-0100', '%4155550100%'],
    ['555 0100', '%5550100%'],
    ['0100', '%0100%'],
  ])('reads %p as digits anywhere in the number', (term, pattern) => {
    expect(parseContactSearch(term)).toEqual({ kind: 'phone-digits', pattern });
  });

  it('reads anything else as part of a name, with LIKE wildcards taken literally', () => {
    expect(parseContactSearch(' Lovelace ')).toEqual({ kind: 'name', pattern: '%Lovelace%' });
    expect(parseContactSearch('100%_off')).toEqual({ kind: 'name', pattern: '%100\\%\\_off%' });
    expect(parseContactSearch('Agent_7')).toEqual({ kind: 'name', pattern: '%Agent\\_7%' });
  });

  it('looks a name with a number in it up by the number, and checks the whole term on what it finds', () => {
    expect(parseContactSearch('Agent 007')).toEqual({
      kind: 'name',
      pattern: '%Agent 007%',
      indexPattern: '%007%',
    });
    expect(parseContactSearch('Customer 12 Store_1042')).toEqual({
      kind: 'name',
      pattern: '%Customer 12 Store\\_1042%',
      indexPattern: '%Store\\_1042%',
    });
    // Too short to have a trigram of its own, or a single word: the index takes the whole term.
    expect(parseContactSearch('Agent 7')).toEqual({ kind: 'name', pattern: '%Agent 7%' });
    expect(parseContactSearch('R2D2')).toEqual({ kind: 'name', pattern: '%R2D2%' });
  });

  it('escapes the escape character itself', () => {
    expect(escapeLike('a\\b')).toBe('a\\\\b');
  });
});
