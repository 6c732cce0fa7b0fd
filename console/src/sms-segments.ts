/**
 * SMS encoding and segments of a text, for the campaign form's counter. The same rules as the
 * server's preview (src/campaigns/sms-encoding.ts): GSM-7 with the extension table counting 2, UCS-2
 * (UTF-16 units) as soon as one character is outside it; 160/153 and 70/67 per segment.
 * src/console/sms-segments.spec.ts checks that the two agree.
 */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

export interface SmsSegments {
  encoding: 'GSM-7' | 'UCS-2';
  units: number;
  segments: number;
}

export function smsSegments(text: string): SmsSegments {
  let septets = 0;
  for (const char of text) {
    if (GSM_BASIC.has(char)) septets += 1;
    else if (GSM_EXTENSION.has(char)) septets += 2;
    else return split('UCS-2', text.length, 70, 67);
  }
  return split('GSM-7', septets, 160, 153);
}

function split(encoding: SmsSegments['encoding'], units: number, single: number, part: number): SmsSegments {
  return { encoding, units, segments: units <= single ? 1 : Math.ceil(units / part) };
}
