import fc from 'fast-check';

import { previewCampaignText, type PreviewContact } from '../../console/src/campaign-text.js';
import { parseCampaignText, renderText, UnknownPlaceholderError } from '../campaigns/campaign-text.js';

/** What the server would send for `text` to `contact`, or its refusal message. */
function serverRendering(
  text: string,
  contact: PreviewContact,
): { ok: true; text: string } | { ok: false; error: string } {
  try {
    return { ok: true, text: renderText(parseCampaignText(text), contact) };
  } catch (error) {
    if (error instanceof UnknownPlaceholderError) return { ok: false, error: error.message };
    throw error;
  }
}

const pieces = fc.constantFrom(
  '{{name}}',
  '{{ firstName }}',
  '{{lastName}}',
  '{{phone}}',
  '{{attributes.plan}}',
  '{{ attributes.missing }}',
  '{{attributes.a b}}',
  '{{nickname}}',
  '{{}}',
  '{{constructor}}',
  '{{{name}}}',
  '{{name}',
  '{',
  '}}',
  'Hi ',
  ', 20% off',
  ' ',
);
const texts = fc.oneof(
  fc.array(pieces, { maxLength: 8 }).map((parts) => parts.join('')),
  fc.string({ maxLength: 30 }),
);
const optionalText = fc.option(fc.string({ maxLength: 10 }), { nil: null });
const contacts = fc.record({
  name: optionalText,
  firstName: optionalText,
  lastName: optionalText,
  phone: optionalText,
  attributes: fc.dictionary(fc.constantFrom('plan', 'a b', 'city'), fc.string({ maxLength: 8 })),
});

describe("the console's campaign preview", () => {
  it("renders every text exactly as the server's placeholder rules do, refusals included", () => {
    fc.assert(
      fc.property(texts, contacts, (text, contact) => {
        const preview = previewCampaignText(text, contact);
        const server = serverRendering(text, contact);

        expect(preview.ok ? { ok: true, text: preview.text } : preview).toEqual(server);
      }),
      { numRuns: 2000 },
    );
  });

  it('fills a sample contact in and leaves missing values empty', () => {
    const preview = previewCampaignText('Hi {{firstName}} {{lastName}}, plan {{attributes.plan}}.', {
      firstName: 'Ada',
      attributes: {},
    });

    expect(preview).toEqual({ ok: true, text: 'Hi Ada , plan .', personalised: true });
  });

  it('names an unknown placeholder', () => {
    expect(previewCampaignText('Hi {{nickname}}', {})).toEqual({
      ok: false,
      error: 'Unknown placeholder {{nickname}}; use name, firstName, lastName, phone or attributes.<key>',
    });
  });
});
