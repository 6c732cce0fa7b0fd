import {
  attributesProblem,
  normaliseName,
  normaliseTags,
  storableTextProblem,
  tagsProblem,
} from './contact-fields.js';

describe('contact fields', () => {
  describe('tags', () => {
    it('are trimmed and de-duplicated, keeping the first occurrence', () => {
      expect(normaliseTags([' vip ', 'newsletter', 'vip', 'newsletter '])).toEqual(['vip', 'newsletter']);
    });

    it('accept up to 50 tags of 1..64 characters', () => {
      const fifty = Array.from({ length: 50 }, (_, index) => `tag-${index}`);

      expect(tagsProblem(fifty)).toBeUndefined();
      expect(tagsProblem(['x'.repeat(64)])).toBeUndefined();
    });

    it('refuse blank, over-long and too many tags', () => {
      expect(tagsProblem(normaliseTags(['  ']))).toBe('has an empty tag');
      expect(tagsProblem(['x'.repeat(65)])).toMatch(/longer than 64/);
      expect(tagsProblem(Array.from({ length: 51 }, (_, index) => `tag-${index}`))).toMatch(/more than 50/);
    });
  });

  describe('attributes', () => {
    it('accept a flat object of strings with identifier-like keys', () => {
      expect(attributesProblem({ company: 'Analytical Engines', plan_2026: 'gold', x: '' })).toBeUndefined();
    });

    it.each([
      [null, /object/],
      [['a'], /object/],
      ['text', /object/],
      [{ age: 42 }, /value of age must be a string/],
      [{ nested: { a: 'b' } }, /value of nested must be a string/],
      [{ '1st': 'x' }, /key "1st"/],
      [{ 'with space': 'x' }, /key "with space"/],
      [{ ['k'.repeat(65)]: 'x' }, /key/],
      [{ note: 'x'.repeat(1001) }, /longer than 1000/],
    ])('refuse %p', (value, message) => {
      expect(attributesProblem(value)).toMatch(message);
    });

    it('refuse more than 50 keys', () => {
      const many = Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`key${index}`, 'v']));

      expect(attributesProblem(many)).toMatch(/at most 50 keys/);
    });
  });

  describe('text PostgreSQL can store', () => {
    it('accepts any well-formed text, emoji included', () => {
      expect(storableTextProblem('Zoë 👩‍💻 O’Brien')).toBeUndefined();
    });

    it('refuses NUL characters and lone surrogates, in tags and attribute values too', () => {
      expect(storableTextProblem('a\u0000b')).toMatch(/NUL/);
      expect(storableTextProblem('a\uD800b')).toMatch(/well-formed/);
      expect(storableTextProblem('\uDC00')).toMatch(/well-formed/);
      expect(tagsProblem(['ok', 'n\u0000l'])).toMatch(/NUL/);
      expect(attributesProblem({ note: 'x\u0000' })).toMatch(/value of note must not contain NUL/);
    });
  });

  it('stores names trimmed and a blank name as none', () => {
    expect(normaliseName('  Ada ')).toBe('Ada');
    expect(normaliseName('   ')).toBeNull();
    expect(normaliseName(null)).toBeNull();
  });
});
