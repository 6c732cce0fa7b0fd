import type { Message } from './message.entity.js';

/** The data of a `message.status` inbox event. */
export interface MessageStatusEvent {
  id: string;
  conversationId: string;
  status: string;
  statusReason: string | null;
  errorCode: string | null;
  statusUpdatedAt: string;
}

export function messageStatusEvent(
  message: Pick<Message, 'id' | 'conversationId' | 'statusReason' | 'errorCode' | 'statusUpdatedAt'> & {
    status: string;
  },
): MessageStatusEvent {
  return {
    id: message.id,
    conversationId: message.conversationId,
    status: message.status,
    statusReason: message.statusReason,
    errorCode: message.errorCode,
    statusUpdatedAt: message.statusUpdatedAt.toISOString(),
  };
}
