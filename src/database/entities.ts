import { RefreshToken } from '../auth/tokens/refresh-token.entity.js';
import { AutoReply } from '../auto-replies/auto-reply.entity.js';
import { Campaign } from '../campaigns/campaign.entity.js';
import { CannedResponse } from '../canned-responses/canned-response.entity.js';
import { Channel } from '../channels/channel.entity.js';
import { Contact } from '../contacts/contact.entity.js';
import { Conversation } from '../conversations/conversation.entity.js';
import { Message } from '../conversations/message.entity.js';
import { ConversationNote } from '../conversations/notes/conversation-note.entity.js';
import { User } from '../users/user.entity.js';
import { WebhookEventRecord } from '../webhooks/webhook-event.entity.js';

/** Every TypeORM entity; the schema itself is defined by the migrations. */
export const entities = [
  User,
  RefreshToken,
  Channel,
  Contact,
  Conversation,
  Message,
  WebhookEventRecord,
  AutoReply,
  Campaign,
  ConversationNote,
  CannedResponse,
];
