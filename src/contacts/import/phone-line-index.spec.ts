import { PhoneLineIndex } from './phone-line-index.js';

describe('PhoneLineIndex', () => {
  it('records the first line of a number and reports it for a repeat', () => {
    const sut = new PhoneLineIndex();

    expect(sut.firstLineOf('+14155550100', 2)).toBeUndefined();
    expect(sut.firstLineOf('+14155550101', 3)).toBeUndefined();
    expect(sut.firstLineOf('+14155550100', 9)).toBe(2);
    expect(sut.firstLineOf('+14155550100', 12)).toBe(2);
    expect(sut.size).toBe(2);
  });

  it('keeps every number through growth, including the longest E.164 numbers', () => {
    const sut = new PhoneLineIndex();
    const count = 200_000;
    let repeats = 0;
    for (let index = 0; index < count; index += 1) {
      if (sut.firstLineOf(`+49151${String(index).padStart(8, '0')}`, index + 2) !== undefined) repeats += 1;
    }
    sut.firstLineOf('+999999999999999', 1);

    expect(repeats).toBe(0);
    expect(sut.size).toBe(count + 1);
    expect(sut.firstLineOf('+4915100000000', 0)).toBe(2);
    expect(sut.firstLineOf(`+49151${String(count - 1).padStart(8, '0')}`, 0)).toBe(count + 1);
    expect(sut.firstLineOf('+999999999999999', 0)).toBe(1);
  });

  it('tells apart numbers that differ only in length', () => {
    const sut = new PhoneLineIndex();
    sut.firstLineOf('+4915112345678', 2);

    expect(sut.firstLineOf('+491511234567', 3)).toBeUndefined();
  });

  it('refuses something that is not E.164', () => {
    expect(() => new PhoneLineIndex().firstLineOf('4155550100', 2)).toThrow(/E\.164/);
  });
});
