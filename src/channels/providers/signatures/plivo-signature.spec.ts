import { createHmac } from 'node:crypto';
import { validateSignature, validateV3Signature } from 'plivo';
import { computePlivoV2Signature, computePlivoV3Signature, verifyPlivoSignature } from './plivo-signature.js';

// The local V3 vector of wire-formats.md (computed from the SDK's algorithm, not published by Plivo).
const authToken = 'MY_AUTH_TOKEN';
const url = 'https://example.com/webhooks/plivo/inbound';
const nonce = '12345678901234567890';
const params: Record<string, string> = {
  From: '14155550100',
  To: '14155550199',
  Text: 'STOP',
  Type: 'sms',
  MessageUUID: '3c6bb3a4-9d3f-11ee-8c90-0242ac120002',
};
const vectorSignature = 'CWXyty72aTYhT0Tl9khUQQGj+evbFQ5L2u33YggTYY8=';

function v3Headers(signature: string, v3Nonce = nonce): Record<string, string | undefined> {
  return { 'x-plivo-signature-v3': signature, 'x-plivo-signature-v3-nonce': v3Nonce };
}

function v2Headers(signature: string, v2Nonce = nonce): Record<string, string | undefined> {
  return { 'x-plivo-signature-v2': signature, 'x-plivo-signature-v2-nonce': v2Nonce };
}

describe('computePlivoV3Signature', () => {
  it('reproduces the V3 vector', () => {
    expect(computePlivoV3Signature(authToken, url, params, nonce)).toBe(vectorSignature);
  });

  it('signs the documented string: url, "?", params sorted by key as key+value, ".", nonce', () => {
    const signedString =
      'https://example.com/webhooks/plivo/inbound?From14155550100MessageUUID3c6bb3a4-9d3f-11ee-8c90-0242ac120002TextSTOPTo14155550199Typesms.12345678901234567890';

    expect(createHmac('sha256', authToken).update(signedString).digest('base64')).toBe(vectorSignature);
  });

  // Shapes of URL and form that change the signed string; the SDK is the oracle for each.
  const shapes: Array<[string, string, Record<string, string>]> = [
    ['the vector', url, params],
    [
      'a query string, sorted and decoded, before the form params',
      'https://example.com/hook?z=1&b=x%20y+z&a=',
      params,
    ],
    ['a query string and no form params', 'https://example.com/hook?token=abc&channel=1', {}],
    ['neither query nor form params', 'https://example.com/hook', {}],
    [
      'a port and a trailing slash',
      'http://localhost:3000/api/v1/webhooks/plivo/abc/status/',
      { Status: 'delivered' },
    ],
    ['non-ASCII text', url, { ...params, Text: 'Olá 👋 ça va?' }],
    [
      'keys whose sort order depends on case',
      url,
      { to: '1', To: '2', a_b: '3', aB: '4', Media1: 'https://m/1', MediaCount: '1' },
    ],
    ['empty values', url, { MessageIntent: '', PowerpackUUID: '', Text: 'x' }],
  ];

  it.each(shapes)(
    'is accepted by the official SDK validateV3Signature for %s',
    (_name, shapeUrl, shapeParams) => {
      const signature = computePlivoV3Signature(authToken, shapeUrl, shapeParams, nonce);

      expect(validateV3Signature('POST', shapeUrl, nonce, authToken, signature, shapeParams)).toBe(true);
      expect(validateV3Signature('POST', shapeUrl, nonce, 'OTHER_TOKEN', signature, shapeParams)).toBe(false);
    },
  );

  // Under jest the SDK's `instanceof Array` misses the arrays Node's querystring returns (another realm),
  // so repeated query keys are checked against the string the SDK signs when run in plain Node.
  it('sorts the values of a repeated query key, as the SDK does outside jest', () => {
    const repeated = 'https://example.com/hook?z=1&b=x%20y&b=a+c&a=';
    const sdkSignedString = 'https://example.com/hook?a=&b=a c&b=x y&z=1.TextSTOP.N';

    expect(computePlivoV3Signature('T', repeated, { Text: 'STOP' }, 'N')).toBe(
      createHmac('sha256', 'T').update(sdkSignedString).digest('base64'),
    );
  });

  it('changes when the form params are in the query string instead', () => {
    expect(computePlivoV3Signature(authToken, `${url}?Text=STOP`, {}, nonce)).not.toBe(
      computePlivoV3Signature(authToken, url, { Text: 'STOP' }, nonce),
    );
  });
});

describe('computePlivoV2Signature', () => {
  it('signs the URL without its query followed by the nonce', () => {
    const expected = createHmac('sha256', authToken).update(`${url}${nonce}`).digest('base64');

    expect(computePlivoV2Signature(authToken, `${url}?ignored=1`, nonce)).toBe(expected);
  });

  it.each([url, `${url}?a=1`, 'http://localhost:3000/api/v1/webhooks/plivo/abc/status'])(
    'is accepted by the official SDK validateSignature for %s',
    (v2Url) => {
      const signature = computePlivoV2Signature(authToken, v2Url, nonce);

      expect(validateSignature(v2Url, nonce, signature, authToken)).toBe(true);
      expect(validateSignature(v2Url, nonce, signature, 'OTHER_TOKEN')).toBe(false);
    },
  );
});

describe('verifyPlivoSignature', () => {
  it('accepts the V3 vector', () => {
    expect(verifyPlivoSignature(authToken, url, params, v3Headers(vectorSignature))).toBe(true);
  });

  it('accepts the V3 signature in the master-account header', () => {
    const headers = { 'x-plivo-signature-ma-v3': vectorSignature, 'x-plivo-signature-v3-nonce': nonce };

    expect(verifyPlivoSignature(authToken, url, params, headers)).toBe(true);
  });

  it('accepts a comma-separated list when any signature in it matches', () => {
    const headers = v3Headers(
      `${computePlivoV3Signature('OLD_TOKEN', url, params, nonce)},${vectorSignature}`,
    );

    expect(verifyPlivoSignature(authToken, url, params, headers)).toBe(true);
  });

  it('rejects a comma-separated list in which nothing matches', () => {
    const headers = v3Headers(
      `${computePlivoV3Signature('OLD_TOKEN', url, params, nonce)},${vectorSignature.replace('C', 'D')}`,
    );

    expect(verifyPlivoSignature(authToken, url, params, headers)).toBe(false);
  });

  it('rejects a tampered form param, a wrong token, another URL and another nonce', () => {
    const headers = v3Headers(vectorSignature);

    expect(verifyPlivoSignature(authToken, url, { ...params, Text: 'START' }, headers)).toBe(false);
    expect(verifyPlivoSignature(authToken, url, { ...params, Extra: '' }, headers)).toBe(false);
    expect(verifyPlivoSignature('MY_AUTH_TOKEM', url, params, headers)).toBe(false);
    expect(
      verifyPlivoSignature(authToken, 'http://example.com/webhooks/plivo/inbound', params, headers),
    ).toBe(false);
    expect(
      verifyPlivoSignature(authToken, url, params, v3Headers(vectorSignature, '12345678901234567891')),
    ).toBe(false);
  });

  it('rejects a V3 signature without its nonce', () => {
    expect(verifyPlivoSignature(authToken, url, params, { 'x-plivo-signature-v3': vectorSignature })).toBe(
      false,
    );
  });

  it('rejects a failing V3 signature even when a valid V2 signature comes with it', () => {
    const headers = {
      ...v2Headers(computePlivoV2Signature(authToken, url, nonce)),
      ...v3Headers(computePlivoV3Signature(authToken, url, { ...params, Text: 'original' }, nonce)),
    };

    expect(
      verifyPlivoSignature(authToken, url, params, v2Headers(computePlivoV2Signature(authToken, url, nonce))),
    ).toBe(true);
    expect(verifyPlivoSignature(authToken, url, params, headers)).toBe(false);
    expect(verifyPlivoSignature(authToken, url, params, { ...headers, 'x-plivo-signature-v3': '' })).toBe(
      false,
    );
  });

  it('accepts V2 (in either header) when no V3 header is present', () => {
    const signature = computePlivoV2Signature(authToken, url, nonce);

    expect(verifyPlivoSignature(authToken, url, params, v2Headers(signature))).toBe(true);
    expect(
      verifyPlivoSignature(authToken, url, params, {
        'x-plivo-signature-ma-v2': signature,
        'x-plivo-signature-v2-nonce': nonce,
      }),
    ).toBe(true);
  });

  it('rejects a V2 signature made with another token or nonce, or without its nonce', () => {
    const signature = computePlivoV2Signature(authToken, url, nonce);

    expect(verifyPlivoSignature('OTHER', url, params, v2Headers(signature))).toBe(false);
    expect(verifyPlivoSignature(authToken, url, params, v2Headers(signature, 'another-nonce'))).toBe(false);
    expect(verifyPlivoSignature(authToken, url, params, { 'x-plivo-signature-v2': signature })).toBe(false);
  });

  it('rejects a request that carries no signature at all', () => {
    expect(verifyPlivoSignature(authToken, url, params, {})).toBe(false);
    expect(verifyPlivoSignature(authToken, url, params, v3Headers(''))).toBe(false);
  });

  describe('agrees with the official SDK on the same request', () => {
    const otherSignature = computePlivoV3Signature('OTHER_TOKEN', url, params, nonce);
    const cases: Array<[string, Record<string, string>, string, boolean]> = [
      ['the vector', params, vectorSignature, true],
      ['a tampered body', { ...params, Text: 'STOP!' }, vectorSignature, false],
      ['a wrong token', params, otherSignature, false],
      ['a list with the right signature last', params, `${otherSignature},${vectorSignature}`, true],
      ['a list with a space after the comma', params, `${otherSignature}, ${vectorSignature}`, false],
    ];

    it.each(cases)('V3: %s', (_name, requestParams, header, expected) => {
      const sdkSays = validateV3Signature('POST', url, nonce, authToken, header, requestParams);

      expect(sdkSays).toBe(expected);
      expect(verifyPlivoSignature(authToken, url, requestParams, v3Headers(header))).toBe(sdkSays);
    });

    it.each([
      ['the right token', authToken, true],
      ['a wrong token', 'OTHER_TOKEN', false],
    ] as const)('V2: %s', (_name, signingToken, expected) => {
      const signature = computePlivoV2Signature(signingToken, url, nonce);
      const sdkSays = validateSignature(url, nonce, signature, authToken);

      expect(sdkSays).toBe(expected);
      expect(verifyPlivoSignature(authToken, url, params, v2Headers(signature))).toBe(sdkSays);
    });
  });
});
