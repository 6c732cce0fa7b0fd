import type { MessageStatus } from '../channels/providers/channel-provider.interface.js';
import { type DeliveryReport, messageKeyOf, strongestReportPerMessage } from './strongest-reports.js';

const CHANNEL = '6f1c2f8e-2d7a-4c1b-9f0e-1a2b3c4d5e6f';
const OTHER_CHANNEL = '0b9d8c7e-6f5a-4b3c-8d2e-1f0a9b8c7d6e';

/** A report about a message named by the provider's message id. */
function reportById(
  messageId: string,
  status: MessageStatus,
  providerStatus: string = status,
  channelId = CHANNEL,
): DeliveryReport {
  return {
    channelId,
    event: {
      type: 'delivery-status',
      dedupKey: `${messageId}:${providerStatus}`,
      providerMessageId: messageId,
      status,
      providerStatus,
    },
  };
}

/** A Sinch SMS style report, naming its message by batch and recipient. */
function reportByBatch(batchId: string, recipient: string, status: MessageStatus): DeliveryReport {
  return {
    channelId: CHANNEL,
    event: {
      type: 'delivery-status',
      dedupKey: `${batchId}:${recipient}:${status}`,
      providerBatchId: batchId,
      recipient,
      status,
      providerStatus: status,
    },
  };
}

const statusesOf = (reports: DeliveryReport[]) => reports.map((report) => report.event.status);

describe('strongestReportPerMessage', () => {
  it('keeps delivered over a sent that arrived after it', () => {
    const { chosen, standIn } = strongestReportPerMessage([
      reportById('m1', 'delivered'),
      reportById('m1', 'sent'),
    ]);

    expect(statusesOf(chosen)).toEqual(['delivered']);
    expect(standIn).toEqual([0, 0]);
  });

  it('takes read over delivered over sent whatever the order', () => {
    const { chosen } = strongestReportPerMessage([
      reportById('m1', 'sent'),
      reportById('m1', 'read'),
      reportById('m1', 'delivered'),
    ]);

    expect(statusesOf(chosen)).toEqual(['read']);
  });

  it('lets delivery proof replace a failure, but not a failure replace delivery', () => {
    const recovered = strongestReportPerMessage([reportById('m1', 'failed'), reportById('m1', 'delivered')]);
    const late = strongestReportPerMessage([reportById('m2', 'delivered'), reportById('m2', 'failed')]);

    expect(statusesOf(recovered.chosen)).toEqual(['delivered']);
    expect(statusesOf(late.chosen)).toEqual(['delivered']);
  });

  it('keeps the earliest of two reports of equal rank, as one-by-one application would', () => {
    const { chosen } = strongestReportPerMessage([
      reportById('m1', 'failed', 'undelivered'),
      reportById('m1', 'rejected'),
    ]);

    expect(chosen).toHaveLength(1);
    expect(chosen[0].event).toMatchObject({ status: 'failed', providerStatus: 'undelivered' });
  });

  it('keeps one report per message, messages in first-seen order', () => {
    const { chosen, standIn } = strongestReportPerMessage([
      reportById('m1', 'sent'),
      reportById('m2', 'delivered'),
      reportById('m1', 'delivered'),
      reportById('m3', 'queued'),
      reportById('m2', 'sent'),
    ]);

    expect(chosen.map((report) => [report.event.providerMessageId, report.event.status])).toEqual([
      ['m1', 'delivered'],
      ['m2', 'delivered'],
      ['m3', 'queued'],
    ]);
    expect(standIn).toEqual([0, 1, 0, 2, 1]);
  });

  it('tells apart the same provider id on two channels', () => {
    const { chosen } = strongestReportPerMessage([
      reportById('m1', 'delivered'),
      reportById('m1', 'sent', 'sent', OTHER_CHANNEL),
    ]);

    expect(chosen.map((report) => [report.channelId, report.event.status])).toEqual([
      [CHANNEL, 'delivered'],
      [OTHER_CHANNEL, 'sent'],
    ]);
  });

  it('groups batch reports by batch and recipient', () => {
    const { chosen, standIn } = strongestReportPerMessage([
      reportByBatch('b1', '+14155550100', 'sent'),
      reportByBatch('b1', '+14155550101', 'failed'),
      reportByBatch('b1', '+14155550100', 'delivered'),
    ]);

    expect(chosen.map((report) => [report.event.recipient, report.event.status])).toEqual([
      ['+14155550100', 'delivered'],
      ['+14155550101', 'failed'],
    ]);
    expect(standIn).toEqual([0, 1, 0]);
  });

  it('leaves out a report that names no message, and says so', () => {
    const nameless = reportByBatch('b1', '', 'delivered');

    const { chosen, standIn } = strongestReportPerMessage([nameless, reportById('m1', 'sent')]);

    expect(messageKeyOf(nameless)).toBeUndefined();
    expect(standIn).toEqual([undefined, 0]);
    expect(statusesOf(chosen)).toEqual(['sent']);
  });
});
