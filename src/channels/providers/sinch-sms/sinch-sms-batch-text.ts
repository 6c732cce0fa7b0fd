/**
 * The `body` (+ `parameters`) of one Sinch SMS batch that gives every recipient its own text.
 *
 * Sinch substitutes `${key}` placeholders in `body` per recipient from
 * `parameters[key][msisdn]`, falling back to `parameters[key].default`. Documented limits
 * (developers.sinch.com SMS API reference, Batches): `body` at most 2000 characters, parameter keys
 * `[A-Za-z0-9._-]` of at most 16 characters, each value (and `default`) at most 160 characters.
 *
 * So a personalised text cannot simply be one parameter. The texts' common prefix and suffix stay
 * literal in `body`; the part that differs is cut into pieces of at most 160 UTF-16 units (never
 * splitting a surrogate pair) carried by keys `p0`, `p1`, … with `default: ""`, so a recipient with
 * fewer pieces gets nothing extra. Literal text never contains `$`, so a `${…}` typed by a user
 * always travels inside a parameter value, where Sinch does not substitute again.
 *
 * The parameter keys are the recipients exactly as they appear in `to`: the caller passes one
 * normalised MSISDN form for both, so lookup cannot miss on formatting.
 */
export const SINCH_MAX_BODY_LENGTH = 2000;
const SINCH_MAX_PARAMETER_VALUE_LENGTH = 160;

export interface PersonalisedText {
  msisdn: string;
  text: string;
}

export interface SinchBatchText {
  body: string;
  parameters?: Record<string, Record<string, string>>;
}

export function buildSinchBatchText(recipients: readonly PersonalisedText[]): SinchBatchText {
  const texts = recipients.map((r) => r.text);
  if (texts.every((text) => text === texts[0])) return { body: texts[0] ?? '' };

  const prefix = commonPrefix(texts);
  const factored = withLiteral(recipients, prefix, commonSuffixAfter(texts, prefix.length));
  return factored.body.length <= SINCH_MAX_BODY_LENGTH ? factored : withLiteral(recipients, '', '');
}

function withLiteral(
  recipients: readonly PersonalisedText[],
  prefix: string,
  suffix: string,
): SinchBatchText {
  const pieces = recipients.map((r) =>
    splitUtf16(r.text.slice(prefix.length, r.text.length - suffix.length)),
  );
  const count = Math.max(1, ...pieces.map((p) => p.length));
  const parameters: Record<string, Record<string, string>> = {};
  for (let i = 0; i < count; i++) parameters[`p${i}`] = { default: '' };
  recipients.forEach((recipient, index) => {
    pieces[index].forEach((piece, i) => (parameters[`p${i}`][recipient.msisdn] = piece));
  });
  const placeholders = Array.from({ length: count }, (_, i) => `\${p${i}}`).join('');
  return { body: `${prefix}${placeholders}${suffix}`, parameters };
}

/** Pieces of at most 160 UTF-16 units, cut between code points. */
function splitUtf16(text: string): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const codePoint of text) {
    if (current.length + codePoint.length > SINCH_MAX_PARAMETER_VALUE_LENGTH) {
      pieces.push(current);
      current = '';
    }
    current += codePoint;
  }
  if (current) pieces.push(current);
  return pieces;
}

function commonPrefix(texts: readonly string[]): string {
  let length = 0;
  const [first] = texts;
  while (length < first.length && texts.every((t) => t[length] === first[length])) length++;
  return literalOnly(first.slice(0, safeCut(first, length)), 'prefix');
}

/** The common suffix of what is left once the common prefix is removed (they must not overlap). */
function commonSuffixAfter(texts: readonly string[], prefixLength: number): string {
  const rests = texts.map((t) => t.slice(prefixLength));
  const [first] = rests;
  let length = 0;
  while (
    length < first.length &&
    rests.every((r) => length < r.length && r[r.length - 1 - length] === first[first.length - 1 - length])
  ) {
    length++;
  }
  const start = first.length - length;
  return literalOnly(first.slice(isLowSurrogate(first.charCodeAt(start)) ? start + 1 : start), 'suffix');
}

/** Moves a cut that would split a surrogate pair one unit back. */
function safeCut(text: string, at: number): number {
  return at > 0 && at < text.length && isLowSurrogate(text.charCodeAt(at)) ? at - 1 : at;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Literal body text must hold no `$`: keep the prefix before the first, the suffix after the last. */
function literalOnly(text: string, side: 'prefix' | 'suffix'): string {
  if (side === 'prefix') {
    const dollar = text.indexOf('$');
    return dollar < 0 ? text : text.slice(0, dollar);
  }
  const dollar = text.lastIndexOf('$');
  return dollar < 0 ? text : text.slice(dollar + 1);
}
