import fc from 'fast-check';

/** Classic injection payloads: SQL, script and markup, template engines, paths, headers, CSV formulas. */
export const INJECTION_STRINGS = [
  "'; DROP TABLE contacts; --",
  "' OR '1'='1",
  '" OR 1=1 --',
  "1'; SELECT pg_sleep(5); --",
  "'); DELETE FROM users WHERE ('1'='1",
  '$1',
  '\\',
  "\\'",
  '%',
  '_',
  "%' AND '%'='",
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg/onload=alert(1)>',
  '<script>&"\'',
  ']]></Message><Message src="1" dst="2">injected</Message>',
  '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a SYSTEM "file:///etc/passwd">]><x>&a;</x>',
  '&lt;&amp;&#0;&#x41;',
  "{{constructor.constructor('return process')().exit()}}",
  '${process.exit(1)}',
  '#{7*7}',
  '__proto__',
  'constructor',
  '../../../../etc/passwd',
  '\r\nSet-Cookie: injected=1',
  '%00%0d%0a',
  "=cmd|'/C calc'!A0",
  '@SUM(1+1)',
  '{"$gt": ""}',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e309',
] as const;

/** Characters that trip up storage, rendering and comparison. */
const UNICODE_ODDITIES = [
  '\u0000',
  '\uD800',
  '\uDFFF',
  '\uDBFF\uDBFF',
  '\u202E',
  '\u202D',
  '\u200F',
  '\u200E',
  '\u061C',
  '\u200B',
  '\u200D',
  '\uFEFF',
  '\u2028',
  '\u2029',
  '\u0085',
  '\u0301',
  'e\u0301',
  '\u{1F469}\u200D\u{1F469}\u200D\u{1F467}',
  '\uFFFD',
  '\uFFFF',
  '\u{10FFFF}',
  'İ',
  'ß',
  'ﬀ',
  '\u001B[31m',
  '\t',
  '\u007F',
  '\u00A0',
  '\u3000',
] as const;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether PostgreSQL can store the text (no NUL, no lone surrogate): the server must refuse the rest with a 400. */
export function isStorable(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}

/** Injection payloads and unicode oddities, alone, mixed with arbitrary text, or repeated into huge strings. */
export function hostileString(options: { maxLength?: number } = {}): fc.Arbitrary<string> {
  const maxLength = options.maxLength ?? 200_000;
  const piece = fc.oneof(
    fc.constantFrom(...INJECTION_STRINGS),
    fc.constantFrom(...UNICODE_ODDITIES),
    fc.string({ unit: 'binary', maxLength: 16 }),
    fc.string({ unit: 'grapheme', maxLength: 8 }),
  );
  const candidates: Array<fc.WeightedArbitrary<string>> = [
    { weight: 4, arbitrary: fc.constantFrom(...INJECTION_STRINGS) },
    { weight: 4, arbitrary: fc.array(piece, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('')) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }) },
    { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...UNICODE_ODDITIES), maxLength: 12 }) },
  ];
  if (maxLength >= 1000) {
    candidates.push({
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.integer({ min: 1000, max: maxLength }),
          fc.constantFrom('A', 'é', '\u202E', '\u{1F4A5}', "'", '<'),
        )
        .map(([length, char]) => char.repeat(Math.ceil(length / char.length)).slice(0, length)),
    });
  }
  return fc.oneof(...candidates).map((text) => text.slice(0, maxLength));
}

/** Like hostileString, but only text the database can hold (what a valid request may carry). */
export function storableHostileString(
  options: { maxLength?: number; minLength?: number } = {},
): fc.Arbitrary<string> {
  const minLength = options.minLength ?? 0;
  return hostileString(options).filter((text) => isStorable(text) && text.length >= minLength);
}

/**
 * Percent-encodes any string for a URL, lone surrogates included (encodeURIComponent throws on
 * them): those become the bytes a sloppy encoder would send (CESU-8), i.e. invalid UTF-8.
 */
export function percentEncode(text: string): string {
  let encoded = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const isHigh = code >= 0xd800 && code <= 0xdbff;
    const next = text.charCodeAt(i + 1);
    if (isHigh && next >= 0xdc00 && next <= 0xdfff) {
      encoded += encodeURIComponent(text.slice(i, i + 2));
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      encoded +=
        `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
    } else {
      encoded += encodeURIComponent(text[i]);
    }
  }
  return encoded;
}
