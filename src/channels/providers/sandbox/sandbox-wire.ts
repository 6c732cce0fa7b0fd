import { z } from 'zod';
import type { RawWebhookRequest, WebhookEvent } from '../channel-provider.interface.js';
import { WebhookPayloadError } from '../provider-errors.js';

/**
 * The sandbox's own callback format, deliberately small: it only has to carry what a real
 * provider's delivery report and inbound message carry.
 */
const deliveryReport = z.object({
  type: z.literal('delivery_report'),
  message_id: z.string().min(1).max(200),
  recipient: z.string().max(64).optional(),
  status: z.enum(['SENT', 'DELIVERED', 'READ', 'FAILED']),
  error_code: z.string().max(64).optional(),
  reason: z.string().max(500).optional(),
  at: z.iso.datetime(),
});

const inboundMessage = z.object({
  type: z.literal('inbound_message'),
  id: z.string().min(1).max(200),
  from: z.string().min(1).max(64),
  to: z.string().max(64),
  text: z.string().max(4096),
  at: z.iso.datetime(),
});

const sandboxCallback = z.discriminatedUnion('type', [deliveryReport, inboundMessage]);
export type SandboxCallback = z.infer<typeof sandboxCallback>;

const STATUS = { SENT: 'sent', DELIVERED: 'delivered', READ: 'read', FAILED: 'failed' } as const;

export function parseSandboxWebhook(request: RawWebhookRequest): WebhookEvent[] {
  const parsed = sandboxCallback.safeParse(request.body);
  if (!parsed.success)
    throw new WebhookPayloadError(`Not a sandbox callback: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const callback = parsed.data;
  if (callback.type === 'delivery_report') {
    return [
      {
        type: 'delivery-status',
        dedupKey: `sandbox:dr:${callback.message_id}:${callback.status}`,
        providerMessageId: callback.message_id,
        recipient: callback.recipient,
        status: STATUS[callback.status],
        providerStatus: callback.status,
        statusReason: callback.reason,
        errorCode: callback.error_code,
        occurredAt: new Date(callback.at),
      },
    ];
  }
  return [
    {
      type: 'inbound-message',
      dedupKey: `sandbox:mo:${callback.id}`,
      providerMessageId: callback.id,
      from: callback.from,
      to: callback.to,
      text: callback.text,
      receivedAt: new Date(callback.at),
    },
  ];
}
