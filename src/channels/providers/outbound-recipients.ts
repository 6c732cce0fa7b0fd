import type { OutboundBatch, OutboundRecipient, SendResult } from './channel-provider.interface.js';

const E164 = /^\+[1-9]\d{1,14}$/;

export function isE164(number: string): boolean {
  return E164.test(number);
}

/** E.164 without the `+`: the MSISDN form Sinch echoes back and Plivo expects. */
export function msisdnDigits(e164: string): string {
  return e164.replace(/^\+/, '');
}

export function rejected(recipient: OutboundRecipient, reason: string, errorCode?: string): SendResult {
  return { messageId: recipient.messageId, outcome: 'rejected', reason, ...(errorCode ? { errorCode } : {}) };
}

/** A batch larger than the provider takes is a caller bug: sending part of it would lose results. */
export function assertBatchSize(batch: OutboundBatch, max: number, provider: string): void {
  if (batch.recipients.length > max) {
    throw new Error(
      `${provider} takes at most ${max} recipient(s) per request, got ${batch.recipients.length}`,
    );
  }
}
