/**
 * SMS encoding and segment counts (3GPP TS 23.038 / 23.040). A text is GSM-7 when every character is
 * in the default alphabet or its extension table (an extension character takes an escape plus
 * itself: 2 septets); otherwise the whole text is UCS-2, counted in UTF-16 code units (an emoji
 * outside the Basic Multilingual Plane takes 2). One segment holds 160 septets or 70 units; a longer
 * text is split into parts of 153 or 67, the rest going to the concatenation header.
 */

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '\f^{}\\[~]|€';

const BASIC = new Set(GSM_BASIC);
const EXTENSION = new Set(GSM_EXTENSION);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

const SEGMENT_LIMITS = {
  'GSM-7': { single: 160, part: 153 },
  'UCS-2': { single: 70, part: 67 },
} as const;

export interface SmsCount {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
}

export function countSms(text: string): SmsCount {
  let septets = 0;
  for (const char of text) {
    if (BASIC.has(char)) septets += 1;
    else if (EXTENSION.has(char)) septets += 2;
    else return withSegments('UCS-2', text.length);
  }
  return withSegments('GSM-7', septets);
}

function withSegments(encoding: SmsEncoding, units: number): SmsCount {
  const { single, part } = SEGMENT_LIMITS[encoding];
  return { encoding, units, segments: units <= single ? 1 : Math.ceil(units / part) };
}

/** `[\uXXXX…]`: a PostgreSQL regular-expression bracket of these characters, safe whatever they are. */
function bracket(chars: string, negate = false): string {
  const escaped = [...chars].map((char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
  return `[${negate ? '^' : ''}${escaped}]`;
}

/** Bind parameters for smsCountSql, in this order. */
export const SMS_SQL_PARAMS = [
  `^${bracket(GSM_BASIC + GSM_EXTENSION)}*$`,
  bracket(GSM_EXTENSION, true),
  '[^\\U00010000-\\U0010FFFF]',
] as const;

/**
 * A LATERAL subquery giving `is_gsm` and `segments` of the text expression `text` with the same
 * rules as countSms, each regular expression evaluated once; `gsm`, `notExtension` and `notAstral`
 * are the parameter numbers of SMS_SQL_PARAMS.
 */
export function smsCountLateral(text: string, [gsm, notExtension, notAstral]: readonly number[]): string {
  const { 'GSM-7': g, 'UCS-2': u } = SEGMENT_LIMITS;
  return `(SELECT x.is_gsm,
                  CASE WHEN x.is_gsm
                    THEN CASE WHEN x.septets <= ${g.single} THEN 1 ELSE ceil(x.septets / ${g.part}.0)::int END
                    ELSE CASE WHEN x.units <= ${u.single} THEN 1 ELSE ceil(x.units / ${u.part}.0)::int END END AS segments
             FROM (SELECT ${text} ~ $${gsm} AS is_gsm,
                          char_length(${text}) + char_length(regexp_replace(${text}, $${notExtension}, '', 'g')) AS septets,
                          char_length(${text}) + char_length(regexp_replace(${text}, $${notAstral}, '', 'g')) AS units) x)`;
}
