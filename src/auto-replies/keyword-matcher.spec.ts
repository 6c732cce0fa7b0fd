import { isOptOutPhrase, matchesKeyword, normaliseKeywordText } from './keyword-matcher.js';

describe('keyword matching', () => {
  it.each(['STOP', 'stop', ' Stop ', 'sToP\n', '\tSTOP  '])('matches %p exactly as STOP', (text) => {
    expect(matchesKeyword(text, ['STOP'], 'exact')).toBe(true);
  });

  it.each(['STOP.', 'stop!', '¡Stop!', '"stop"'])('ignores punctuation around %p', (text) => {
    expect(matchesKeyword(text, ['STOP'], 'exact')).toBe(true);
  });

  it('does not treat a sentence containing the word as an exact match', () => {
    expect(matchesKeyword('please stop calling', ['STOP'], 'exact')).toBe(false);
    expect(matchesKeyword('STOPPED', ['STOP'], 'exact')).toBe(false);
  });

  it('matches startsWith on whole words only', () => {
    expect(matchesKeyword('hours  please', ['HOURS'], 'startsWith')).toBe(true);
    expect(matchesKeyword('hourswhat', ['HOURS'], 'startsWith')).toBe(false);
  });

  it('matches contains on whole words, multi-word keywords included', () => {
    expect(matchesKeyword('what are your opening  hours?', ['opening hours?'], 'contains')).toBe(true);
    expect(matchesKeyword('shoursh', ['HOURS'], 'contains')).toBe(false);
  });

  it('never matches empty text or empty keywords', () => {
    expect(matchesKeyword('   ', ['STOP'], 'exact')).toBe(false);
    expect(matchesKeyword('STOP', ['  '], 'contains')).toBe(false);
  });

  it('normalises compatibility characters (full-width letters)', () => {
    expect(normaliseKeywordText('ＳＴＯＰ')).toBe('STOP');
  });
});

describe('isOptOutPhrase', () => {
  it.each([
    'please stop',
    'Unsubscribe me',
    'stop texting me!',
    'Please remove me from your list',
    "Don't text me again",
    'opt me out thanks',
    'STOP SENDING ME MESSAGES',
  ])('flags %p as an opt-out request in other words', (text) => {
    expect(isOptOutPhrase(text)).toBe(true);
  });

  it.each(['stop by the shop at 5', "don't stop the deliveries", 'when does the sale stop?', 'hello', ''])(
    'leaves %p alone',
    (text) => {
      expect(isOptOutPhrase(text)).toBe(false);
    },
  );
});
