import { MESSAGE_STATUSES, type MessageStatus } from './channel-provider.interface.js';
import {
  isStatusAdvance,
  mapPlivoStatus,
  mapSinchConversationStatus,
  mapSinchSmsStatus,
  statusRank,
} from './delivery-status.js';

describe('provider status mapping', () => {
  it.each<[string, MessageStatus]>([
    ['Queued', 'queued'],
    ['Dispatched', 'sent'],
    ['Unknown', 'sent'],
    ['Delivered', 'delivered'],
    ['Aborted', 'failed'],
    ['Cancelled', 'failed'],
    ['Deleted', 'failed'],
    ['Failed', 'failed'],
    ['Expired', 'failed'],
    ['Rejected', 'rejected'],
  ])('maps Sinch SMS %s to %s', (providerStatus, status) => {
    expect(mapSinchSmsStatus(providerStatus)).toBe(status);
  });

  it.each<[string, MessageStatus]>([
    ['SWITCHING_CHANNEL', 'queued'],
    ['QUEUED_ON_CHANNEL', 'sent'],
    ['DELIVERED', 'delivered'],
    ['READ', 'read'],
    ['FAILED', 'failed'],
  ])('maps Sinch Conversation %s to %s', (providerStatus, status) => {
    expect(mapSinchConversationStatus(providerStatus)).toBe(status);
  });

  it.each<[string, MessageStatus]>([
    ['queued', 'queued'],
    ['sent', 'sent'],
    ['delivered', 'delivered'],
    ['read', 'read'],
    ['undelivered', 'failed'],
    ['failed', 'failed'],
    ['rejected', 'rejected'],
  ])('maps Plivo %s to %s', (providerStatus, status) => {
    expect(mapPlivoStatus(providerStatus)).toBe(status);
  });

  it('leaves words it does not know (or knows only from another provider) unmapped', () => {
    expect(mapSinchSmsStatus('delivered')).toBeUndefined();
    expect(mapSinchSmsStatus('Bounced')).toBeUndefined();
    expect(mapSinchConversationStatus('Delivered')).toBeUndefined();
    expect(mapSinchConversationStatus('STATUS_UNSPECIFIED')).toBeUndefined();
    expect(mapPlivoStatus('DELIVERED')).toBeUndefined();
    expect(mapPlivoStatus('toString')).toBeUndefined();
  });
});

describe('statusRank', () => {
  it('orders an outbound message queued < sent < failed = rejected < delivered < read', () => {
    expect(statusRank('queued')).toBeLessThan(statusRank('sent'));
    expect(statusRank('sent')).toBeLessThan(statusRank('failed'));
    expect(statusRank('failed')).toBe(statusRank('rejected'));
    expect(statusRank('rejected')).toBeLessThan(statusRank('delivered'));
    expect(statusRank('delivered')).toBeLessThan(statusRank('read'));
  });

  it('ranks every contract status', () => {
    for (const status of MESSAGE_STATUSES) expect(Number.isInteger(statusRank(status))).toBe(true);
  });
});

describe('isStatusAdvance', () => {
  it.each<[MessageStatus, MessageStatus]>([
    ['queued', 'sent'],
    ['queued', 'delivered'],
    ['sent', 'delivered'],
    ['sent', 'failed'],
    ['sent', 'rejected'],
    ['delivered', 'read'],
    ['failed', 'delivered'],
  ])('lets %s move to %s', (current, next) => {
    expect(isStatusAdvance(current, next)).toBe(true);
  });

  it.each<[MessageStatus, MessageStatus]>([
    ['delivered', 'sent'],
    ['delivered', 'failed'],
    ['read', 'delivered'],
    ['read', 'failed'],
    ['failed', 'sent'],
    ['failed', 'queued'],
    ['failed', 'rejected'],
    ['sent', 'sent'],
  ])('keeps %s when %s arrives late', (current, next) => {
    expect(isStatusAdvance(current, next)).toBe(false);
  });
});
