import fc from 'fast-check';

import { hostileString, percentEncode } from './hostile-strings.js';

/** A request body as sent on the wire, with the content type it claims (possibly a lie). */
export interface HostileBody {
  kind: string;
  contentType: string | undefined;
  bytes: string | Uint8Array;
}

/** Every field name any DTO of the API reads, so generated bodies reach the validators, not only the whitelist. */
const DTO_FIELDS = [
  'email',
  'password',
  'name',
  'role',
  'disabled',
  'refreshToken',
  'provider',
  'sender',
  'config',
  'channelId',
  'to',
  'text',
  'template',
  'media',
  'defaultCountry',
  'phone',
  'firstName',
  'lastName',
  'attributes',
  'tags',
  'keywords',
  'match',
  'reply',
  'action',
  'enabled',
  'message',
  'audience',
  'scheduledAt',
  'ratePerSecond',
  'status',
  'from',
  'contactIds',
  'all',
] as const;

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json; charset=bogus',
  'application/vnd.api+json',
  'text/plain',
  'text/xml',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=XyZ',
  'multipart/form-data',
  'application/octet-stream',
  '*/*',
  'not a content type',
  '',
] as const;

/** Byte sequences that are not UTF-8: overlong forms, encoded surrogates, stray continuation bytes, bytes never valid. */
const INVALID_UTF8 = [
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf],
  [0x80],
  [0xbf, 0xbf],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xff, 0xfe],
  [0xfe],
  [0xc3],
  [0xf4, 0x90, 0x80, 0x80],
];

const MALFORMED_JSON = [
  '{',
  '{"a":',
  '{"a":1,}',
  "{'a':1}",
  '[1,2',
  'NaN',
  '{"a":NaN}',
  '{"a":undefined}',
  '/* comment */ {}',
  '{"a":"\\x41"}',
  '{"a":"\\u12"}',
  '{}}',
  '\uFEFF{}',
  '{"a":1e999999}',
  '{"a":01}',
  '{"a":"unterminated}',
  '{"a" 1}',
  '{"a":[}',
  '{,}',
  '"just a string"',
  '42',
  'true',
  'null',
  '[]',
  '',
  ' ',
  '\u0000',
] as const;

const utf8 = (text: string) => Buffer.from(text, 'utf8');

function nested(depth: number, shape: 'array' | 'object' | 'mixed'): string {
  const open = (i: number) => (shape === 'array' || (shape === 'mixed' && i % 2 === 0) ? '[' : '{"a":');
  const close = (i: number) => (shape === 'array' || (shape === 'mixed' && i % 2 === 0) ? ']' : '}');
  let text = '';
  for (let i = 0; i < depth; i++) text += open(i);
  text += '1';
  for (let i = depth - 1; i >= 0; i--) text += close(i);
  return text;
}

/** Any JSON value whose strings are hostile. */
const hostileJsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString({ maxLength: 5000 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -1, 0, 1e300),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...DTO_FIELDS), hostileString({ maxLength: 64 })), tie('value'), {
      maxKeys: 4,
    }),
  ),
})).value;

/** An object using the API's own field names with hostile values of any type. */
const hostileDtoObject: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(
  fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...DTO_FIELDS) },
    { weight: 1, arbitrary: hostileString({ maxLength: 64 }) },
  ),
  hostileJsonValue,
  { minKeys: 1, maxKeys: 6 },
);

const json = (kind: string, text: string | Uint8Array): HostileBody => ({
  kind,
  contentType: 'application/json',
  bytes: text,
});

/** A hostile body with a content type that usually, not always, matches it. */
export const hostileBody: fc.Arbitrary<HostileBody> = fc
  .tuple(
    fc.oneof(
      {
        weight: 6,
        arbitrary: hostileDtoObject.map((value) => json('dto-shaped JSON', JSON.stringify(value))),
      },
      {
        weight: 2,
        arbitrary: hostileJsonValue.map((value) => json('any JSON', JSON.stringify(value) ?? 'null')),
      },
      {
        weight: 3,
        arbitrary: fc.constantFrom(...MALFORMED_JSON).map((text) => json('malformed JSON', text)),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            fc.integer({ min: 65, max: 60_000 }),
            fc.constantFrom('array' as const, 'object' as const, 'mixed' as const),
          )
          .map(([depth, shape]) => json(`JSON nested ${depth} deep`, nested(depth, shape))),
      },
      {
        weight: 2,
        arbitrary: fc
          .tuple(
            fc.constantFrom(...DTO_FIELDS),
            fc.constantFrom(...INVALID_UTF8),
            fc.uint8Array({ maxLength: 16 }),
          )
          .map(([field, invalid, noise]) =>
            json(
              'invalid UTF-8 in a JSON string',
              Buffer.concat([utf8(`{"${field}":"x`), Buffer.from(invalid), Buffer.from(noise), utf8('"}')]),
            ),
          ),
      },
      {
        weight: 1,
        arbitrary: fc
          .uint8Array({ minLength: 1, maxLength: 512 })
          .map((bytes) => json('random bytes', bytes)),
      },
      {
        weight: 2,
        arbitrary: fc
          .array(
            fc.tuple(
              fc.oneof(
                fc.constantFrom(...DTO_FIELDS, '__proto__[admin]', 'a[b][c]'),
                hostileString({ maxLength: 32 }),
              ),
              hostileString({ maxLength: 2000 }),
            ),
            {
              maxLength: 6,
            },
          )
          .map((pairs): HostileBody => ({
            kind: 'form',
            contentType: 'application/x-www-form-urlencoded',
            bytes:
              pairs.map(([key, value]) => `${percentEncode(key)}=${percentEncode(value)}`).join('&') +
              '&bad=%zz&nul=%00',
          })),
      },
      {
        weight: 1,
        arbitrary: hostileString({ maxLength: 4000 }).map((text): HostileBody => ({
          kind: 'multipart',
          contentType: 'multipart/form-data; boundary=XyZ',
          bytes: `--XyZ\r\nContent-Disposition: form-data; name="file"; filename="${text.slice(0, 40)}.csv"\r\nContent-Type: text/csv\r\n\r\nphone,name\n${text},${text}\r\n--XyZ--\r\n`,
        })),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom<HostileBody>(
          {
            kind: 'billion laughs',
            contentType: 'application/xml',
            bytes:
              '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><l>&b;</l>',
          },
          {
            kind: 'multipart without its end',
            contentType: 'multipart/form-data; boundary=XyZ',
            bytes: '--XyZ\r\nContent-Disposition: form-data; name="file"\r\n\r\nphone\n+1',
          },
          {
            kind: 'multipart with another boundary',
            contentType: 'multipart/form-data; boundary=XyZ',
            bytes: '--Other\r\n\r\n--Other--',
          },
          { kind: 'empty', contentType: undefined, bytes: '' },
          {
            kind: 'over 1 MiB of JSON',
            contentType: 'application/json',
            bytes: JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) }),
          },
          {
            kind: 'over 1 MiB of form',
            contentType: 'application/x-www-form-urlencoded',
            bytes: `Text=${'x'.repeat(1024 * 1024 + 10)}`,
          },
        ),
      },
    ),
    fc.option(fc.constantFrom(...CONTENT_TYPES), { freq: 4 }),
  )
  .map(([body, otherType]) => (otherType === null ? body : { ...body, contentType: otherType || undefined }));

const QUERY_KEYS = [
  'limit',
  'cursor',
  'search',
  'status',
  'channelId',
  'tag',
  'optedOut',
  'access_token',
  'defaultCountry',
  '__proto__[x]',
  'limit[]',
  'search[a]',
];
const QUERY_VALUES = [
  '-1',
  '0',
  '201',
  '1e3',
  '0x10',
  'NaN',
  '1.5',
  ' 5',
  '',
  'true',
  'WyIxIiwiMiJd',
  'eyJhbGciOiJub25lIn0.e30.',
];

/**
 * A query string of hostile pairs, occasionally with raw, malformed percent escapes. Kept to a few
 * KiB: Node refuses a request head over 16 KiB itself (a bare 431), before the application sees it.
 */
export const hostileQuery: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(
      fc.tuple(
        fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom(...QUERY_KEYS) },
          { weight: 1, arbitrary: hostileString({ maxLength: 40 }) },
        ),
        fc.oneof(fc.constantFrom(...QUERY_VALUES), hostileString({ maxLength: 200 })),
      ),
      { maxLength: 3 },
    ),
    fc.constantFrom('', '', '', '&x=%', '&y=%zz', '&z=%ff%fe', '&w=%00', '&&&=', '&a=1&a=2'),
  )
  .map(([pairs, raw]) => {
    const query =
      pairs.map(([key, value]) => `${percentEncode(key)}=${percentEncode(value)}`).join('&') + raw;
    return query ? `?${query}` : '';
  });

/** A path segment where an id belongs: unknown UUIDs, near-UUIDs, hostile text and raw escapes. */
export const hostileIdSegment: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.uuid().map((id) => id.toUpperCase()) },
  { weight: 1, arbitrary: fc.uuid().map((id) => `${id}x`) },
  { weight: 1, arbitrary: fc.uuid().map((id) => id.replace(/-/g, '')) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '%ff',
      '%',
      '%00',
      '%2e%2e',
      '..',
      'stream',
      'null',
      '0',
      '-1',
      '00000000-0000-0000-0000-000000000000',
      'a'.repeat(3000),
    ),
  },
  { weight: 3, arbitrary: hostileString({ maxLength: 300 }).map(percentEncode) },
);
