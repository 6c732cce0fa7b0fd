import {
  isPersonalised,
  parseCampaignText,
  renderSql,
  renderText,
  UnknownPlaceholderError,
} from './campaign-text.js';

describe('campaign text', () => {
  it('splits text into literals and placeholders, tolerating spaces inside the braces', () => {
    expect(parseCampaignText('Hi {{firstName}}, {{ attributes.city }}!')).toEqual([
      { kind: 'literal', text: 'Hi ' },
      { kind: 'field', field: 'firstName' },
      { kind: 'literal', text: ', ' },
      { kind: 'attribute', name: 'city' },
      { kind: 'literal', text: '!' },
    ]);
  });

  it('refuses a placeholder it cannot fill', () => {
    expect(() => parseCampaignText('Hi {{nickname}}')).toThrow(UnknownPlaceholderError);
  });

  it('knows plain text from personalised text', () => {
    expect(isPersonalised(parseCampaignText('20% off today'))).toBe(false);
    expect(isPersonalised(parseCampaignText('Hi {{name}}'))).toBe(true);
  });

  it('renders a missing value as empty', () => {
    const segments = parseCampaignText('Hi {{firstName}} {{lastName}} from {{attributes.city}}');
    expect(renderText(segments, { firstName: 'Ada', attributes: {} })).toBe('Hi Ada  from ');
  });

  it('builds SQL that binds literals and attribute names as parameters, never inline', () => {
    const params: unknown[] = ['already-there'];
    const sql = renderSql(parseCampaignText("It's {{attributes.o'neil}} for {{phone}}"), 'c', params);
    expect(sql).toBe(
      `($2::text || coalesce(c.attributes ->> $3::text, '') || $4::text || coalesce(c.phone, ''))`,
    );
    expect(params).toEqual(['already-there', "It's ", "o'neil", ' for ']);
  });

  it('renders empty text as an empty string', () => {
    expect(renderSql([], 'c', [])).toBe(`''::text`);
  });
});
