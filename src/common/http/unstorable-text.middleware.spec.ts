import type { Request, Response } from 'express';

import { ValidationError } from '../errors/domain-error.js';
import { rejectUnstorableText, withStorableText } from './unstorable-text.middleware.js';

const run = (body: unknown) => {
  let passed: unknown = 'not called';
  rejectUnstorableText(
    { body, path: '/api/v1/messages' } as Request,
    {} as Response,
    (error?: unknown) => (passed = error),
  );
  return passed;
};

describe('rejectUnstorableText', () => {
  it('lets ordinary text through, emoji and all', () => {
    expect(run({ text: "Hello 👋 <script>alert(1)</script> '; DROP TABLE contacts; --" })).toBeUndefined();
  });

  it('names the nested field that holds a NUL', () => {
    const error = run({ template: { parameters: { name: 'A\u0000da' } } });

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toEqual([
      { field: 'template.parameters.name', messages: [expect.any(String)] },
    ]);
  });

  it('refuses a lone surrogate but accepts a paired one', () => {
    expect(run({ text: 'broken \uD83D' })).toBeInstanceOf(ValidationError);
    expect(run({ text: 'fine \uD83D\uDC4B' })).toBeUndefined();
  });

  it('leaves provider webhooks to be cleaned instead of refused', () => {
    let passed: unknown = 'not called';
    rejectUnstorableText(
      { body: { text: 'a\u0000b' }, path: '/api/v1/webhooks/sandbox/x' } as Request,
      {} as Response,
      (e?: unknown) => (passed = e),
    );

    expect(passed).toBeUndefined();
    expect(withStorableText({ text: 'a\u0000b \uD83D', list: ['\u0000'] })).toEqual({
      text: 'ab \uFFFD',
      list: [''],
    });
  });

  it('refuses NUL in keys and inside arrays', () => {
    expect(run({ ['ke\u0000y']: 'value' })).toBeInstanceOf(ValidationError);
    expect(run({ tags: ['ok', 'n\u0000'] })).toBeInstanceOf(ValidationError);
  });

  it('refuses to clean a body nested deeper than any provider sends, rather than overflowing the stack', () => {
    let nested: unknown = 'leaf';
    for (let i = 0; i < 5_000; i += 1) nested = { a: nested };

    expect(() => withStorableText(nested)).toThrow(ValidationError);
    expect(withStorableText({ a: { b: { c: ['x\u0000'] } } })).toEqual({ a: { b: { c: ['x'] } } });
  });
});
