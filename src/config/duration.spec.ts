import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['45s', 45],
    ['15m', 900],
    ['12h', 43200],
    ['30d', 2592000],
    ['120', 120],
  ])('reads %s as %d seconds', (input, seconds) => {
    expect(parseDuration(input)).toBe(seconds);
  });

  it.each(['', '0m', '-5m', '1w', 'soon', '1.5h'])('refuses %p', (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });
});
