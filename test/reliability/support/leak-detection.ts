import { randomInt } from 'node:crypto';

/**
 * Finds known sensitive values in captured output. Secrets are also looked for in pieces: an
 * error message that quotes ten characters of a password around a parse error has leaked it too.
 */

const FRAGMENT_LENGTH = 10;

/** Lower-case letters but t, f and n, which could start a JSON literal: an unquoted secret is always a JSON syntax error at its first letter. */
const SECRET_ALPHABET = 'abcdeghijklmopqrsuvwxyz';

/**
 * A secret nobody could guess or meet by accident: 24 random letters (that is where a value's
 * pieces are looked for), then a label naming it in reports.
 */
export function distinctSecret(label: string): string {
  const letters = Array.from({ length: 24 }, () => SECRET_ALPHABET[randomInt(SECRET_ALPHABET.length)]).join(
    '',
  );
  return `${letters}-${label}`;
}

/** The random part of a distinctSecret (the whole value for anything else). */
const randomPartOf = (secret: string) => (/^[a-z]{24}-/.test(secret) ? secret.slice(0, 24) : secret);

export interface Needle {
  name: string;
  value: string;
  /** Also report any FRAGMENT_LENGTH-character piece of this part of the value (its random part). */
  fragmentsOf?: string;
}

export interface Leak {
  needle: string;
  /** What was found: the whole value or the piece. */
  found: string;
  /** The start of the first line (or response) holding it, to find the culprit. */
  where: string;
}

function piecesOf(needle: Needle): string[] {
  const part = needle.fragmentsOf;
  if (part === undefined || part.length <= FRAGMENT_LENGTH) return [needle.value];
  const pieces = [needle.value];
  for (let i = 0; i + FRAGMENT_LENGTH <= part.length; i++) pieces.push(part.slice(i, i + FRAGMENT_LENGTH));
  return pieces;
}

/** A secret to look for whole and in pieces of its random part. */
export const secretNeedle = (name: string, value: string): Needle => ({
  name,
  value,
  fragmentsOf: randomPartOf(value),
});

/** Every needle found in any of the texts (log lines, response bodies), once per needle. */
export function findLeaks(texts: readonly string[], needles: readonly Needle[]): Leak[] {
  const leaks: Leak[] = [];
  for (const needle of needles) {
    const hit = piecesOf(needle)
      .map((piece) => ({ piece, text: texts.find((text) => text.includes(piece)) }))
      .find((candidate) => candidate.text !== undefined);
    if (hit?.text !== undefined) {
      const at = hit.text.indexOf(hit.piece);
      leaks.push({
        needle: needle.name,
        found: hit.piece,
        where: hit.text.slice(Math.max(0, at - 150), at + 150),
      });
    }
  }
  return leaks;
}

/** The ways a phone number can be written out: E.164, without the +, and as national digits (NANP numbers). */
export function phoneForms(e164: string): string[] {
  const digits = e164.replace(/\D/g, '');
  const forms = [e164, digits];
  if (digits.startsWith('1') && digits.length === 11) forms.push(digits.slice(1));
  return forms;
}
