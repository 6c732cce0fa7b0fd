import { escapeXml, plivoResponseXml } from './plivo-xml.js';

describe('Plivo XML', () => {
  it('answers an empty Response when there is nothing to say', () => {
    expect(plivoResponseXml()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
  });

  it('escapes injected markup in the reply text and attributes', () => {
    const xml = plivoResponseXml({
      src: '+12025550142',
      dst: '+14155550100',
      text: `</Message><Hangup/> & "quotes" 'too'`,
    });

    expect(xml).toContain('&lt;/Message&gt;&lt;Hangup/&gt; &amp; &quot;quotes&quot; &apos;too&apos;');
    expect(xml.match(/<Message /g)).toHaveLength(1);
  });

  it('escapes every XML special character', () => {
    expect(escapeXml(`<>&'"`)).toBe('&lt;&gt;&amp;&apos;&quot;');
  });

  it('replaces characters XML cannot carry, and keeps every character it can', () => {
    expect(escapeXml('a\u0001b\uFFFFc\uFFFEd\uD800e')).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFDe');
    const allowed = 'tab\tline\nreturn\r é 中 \uFEFF \u200D 😀 \uFFFD';
    expect(escapeXml(allowed)).toBe(allowed);
  });
});
