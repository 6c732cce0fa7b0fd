import { buildSinchBatchText, type PersonalisedText, SINCH_MAX_BODY_LENGTH } from './sinch-sms-batch-text.js';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What Sinch does per recipient: substitute `${key}` from the recipient's value or the default. */
function render(batch: ReturnType<typeof buildSinchBatchText>, msisdn: string): string {
  return batch.body.replace(/\$\{([A-Za-z0-9._-]+)\}/g, (_, key: string) => {
    const values = batch.parameters?.[key];
    return values?.[msisdn] ?? values?.default ?? '';
  });
}

describe('buildSinchBatchText', () => {
  it('uses a plain body when every recipient gets the same text', () => {
    expect(
      buildSinchBatchText([
        { msisdn: '1', text: 'Hi' },
        { msisdn: '2', text: 'Hi' },
      ]),
    ).toEqual({ body: 'Hi' });
  });

  it('keeps the common prefix and suffix literal and sends only the difference', () => {
    const batch = buildSinchBatchText([
      { msisdn: '111', text: 'Hi Ada, your code is 1234. Bye' },
      { msisdn: '222', text: 'Hi Grace, your code is 9876. Bye' },
    ]);

    expect(batch.body).toBe('Hi ${p0}. Bye');
    expect(batch.parameters).toEqual({
      p0: { default: '', '111': 'Ada, your code is 1234', '222': 'Grace, your code is 9876' },
    });
  });

  it('never splits a surrogate pair, never exceeds 160 per value, and renders every text exactly', () => {
    const emojiAtBoundary = `${'a'.repeat(159)}😀${'b'.repeat(170)}`;
    const recipients: PersonalisedText[] = [
      { msisdn: '1', text: emojiAtBoundary },
      { msisdn: '2', text: `${'a'.repeat(159)}😁${'c'.repeat(10)}` },
      { msisdn: '3', text: '😀'.repeat(999) },
      { msisdn: '4', text: 'x' },
    ];

    const batch = buildSinchBatchText(recipients);

    const values = Object.values(batch.parameters ?? {}).flatMap((v) => Object.values(v));
    expect(values.every((v) => v.length <= 160 && !LONE_SURROGATE.test(v))).toBe(true);
    expect(LONE_SURROGATE.test(batch.body)).toBe(false);
    expect(batch.body.length).toBeLessThanOrEqual(SINCH_MAX_BODY_LENGTH);
    for (const r of recipients) expect(render(batch, r.msisdn)).toBe(r.text);
  });

  it('does not cut the literal prefix or suffix inside a surrogate pair', () => {
    // 😀 is D83D DE00 and 😁 is D83D DE01 (same high half); 😀 and 🨀 (D83E DE00) share the low half.
    const recipients = [
      { msisdn: '1', text: `${'a'.repeat(10)}😀 end 😀` },
      { msisdn: '2', text: `${'a'.repeat(10)}😁 end 🨀` },
    ];

    const batch = buildSinchBatchText(recipients);

    expect(batch.body).toBe(`${'a'.repeat(10)}\${p0}`);
    expect(LONE_SURROGATE.test(batch.body)).toBe(false);
    for (const r of recipients) expect(render(batch, r.msisdn)).toBe(r.text);
  });

  it('keeps every $ out of the literal body, so user text is never read as a placeholder', () => {
    const recipients = [
      { msisdn: '1', text: 'Pay ${amount} now, Ada' },
      { msisdn: '2', text: 'Pay ${amount} now, Bob' },
    ];

    const batch = buildSinchBatchText(recipients);

    expect(batch.body.replace(/\$\{p\d+\}/g, '')).not.toContain('$');
    for (const r of recipients) expect(render(batch, r.msisdn)).toBe(r.text);
  });

  it('gives recipients with fewer pieces the empty default', () => {
    const recipients = [
      { msisdn: '1', text: 'Short' },
      { msisdn: '2', text: `Short${'!'.repeat(400)}` },
    ];

    const batch = buildSinchBatchText(recipients);

    expect(Object.keys(batch.parameters ?? {})).toEqual(['p0', 'p1', 'p2']);
    for (const r of recipients) expect(render(batch, r.msisdn)).toBe(r.text);
  });
});
