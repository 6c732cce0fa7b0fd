import type { ConsentEventRow } from './consent-ledger.service.js';

export const CONSENT_CSV_HEADER = 'contactId,phone,action,source,channelId,keyword,messageId,userId,at';

/** RFC 4180 quoting, and a leading `'` for cells a spreadsheet would run as a formula. */
function cell(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) && !/^\+\d+$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export async function* consentCsvLines(pages: AsyncIterable<ConsentEventRow[]>): AsyncGenerator<string> {
  yield `${CONSENT_CSV_HEADER}\n`;
  for await (const rows of pages) {
    yield rows
      .map(
        (row) =>
          [
            row.contact_id,
            row.phone,
            row.action,
            row.source,
            row.channel_id,
            row.keyword,
            row.message_id,
            row.user_id,
            row.at.toISOString(),
          ]
            .map(cell)
            .join(',') + '\n',
      )
      .join('');
  }
}
