import { countSms } from './sms-encoding.js';

describe('countSms', () => {
  it('fits 160 GSM-7 characters in one segment and splits 161 into parts of 153', () => {
    expect(countSms('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(countSms('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
    expect(countSms('a'.repeat(306))).toMatchObject({ segments: 2 });
    expect(countSms('a'.repeat(307))).toMatchObject({ segments: 3 });
  });

  it.each(['€', '{', '}', '[', ']', '~', '\\', '|', '^'])(
    'counts the extension character %p as 2 septets',
    (char) => {
      expect(countSms(char)).toEqual({ encoding: 'GSM-7', units: 2, segments: 1 });
      // 80 of them are 160 septets: one segment; one more GSM character makes two.
      expect(countSms(char.repeat(80))).toMatchObject({ encoding: 'GSM-7', units: 160, segments: 1 });
      expect(countSms(`${char.repeat(80)}a`)).toMatchObject({ units: 161, segments: 2 });
    },
  );

  it('keeps accented letters of the GSM alphabet in GSM-7 (é, ñ, Ü, à) but not others (ç lowercase, ê)', () => {
    expect(countSms('Café Niño Über à')).toMatchObject({ encoding: 'GSM-7' });
    expect(countSms('ça')).toMatchObject({ encoding: 'UCS-2' });
    expect(countSms('fête')).toMatchObject({ encoding: 'UCS-2' });
  });

  it('turns the whole text into UCS-2 for one emoji, which counts 2 units', () => {
    const text = `${'a'.repeat(68)}😀`;
    expect(countSms(text)).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(countSms(`${text}b`)).toEqual({ encoding: 'UCS-2', units: 71, segments: 2 });
  });

  it('fits 70 UCS-2 units in one segment and splits into parts of 67', () => {
    expect(countSms('Ж'.repeat(70))).toMatchObject({ segments: 1 });
    expect(countSms('Ж'.repeat(71))).toMatchObject({ segments: 2 });
    expect(countSms('Ж'.repeat(134))).toMatchObject({ segments: 2 });
    expect(countSms('Ж'.repeat(135))).toMatchObject({ segments: 3 });
  });

  it('counts an empty text as one segment', () => {
    expect(countSms('')).toEqual({ encoding: 'GSM-7', units: 0, segments: 1 });
  });
});
