/**
 * The API's shapes, written by hand from the server's DTOs (the dto/ folder of each module in src/).
 * Only what the console reads or sends is here; the OpenAPI document at /docs-json is the full reference.
 */

export type Role = 'admin' | 'agent';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The body of every error response (src/common/errors/error-body.dto.ts). */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: Array<{ field: string; messages: string[] }>;
  requestId: string;
}

// auth

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
}

export interface Me {
  id: string;
  email: string;
  name: string | null;
  role: Role;
}

// channels

export const PROVIDER_KINDS = ['sinch-sms', 'sinch-conversation', 'plivo', 'sandbox'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export interface WebhookUrls {
  callback?: string;
  inbound?: string;
  status?: string;
}

export interface Channel {
  id: string;
  name: string;
  provider: ProviderKind;
  sender: string;
  /** Secret fields come back masked (`••••1a2b`). */
  config: Record<string, unknown>;
  webhookUrls: WebhookUrls;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface CreateChannel {
  name: string;
  provider: ProviderKind;
  sender: string;
  config: Record<string, unknown>;
}

export interface VerifyResult {
  ok: boolean;
  detail: string;
}

export interface SimulatedInbound {
  providerMessageId: string;
}

// contacts

export interface Contact {
  id: string;
  phone: string | null;
  name: string | null;
  firstName: string | null;
  lastName: string | null;
  attributes: Record<string, string>;
  tags: string[];
  optedOut: boolean;
  optedOutAt: string | null;
  whatsappWindowExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CreateContact {
  phone: string;
  defaultCountry?: string;
  name?: string;
  firstName?: string;
  lastName?: string;
  attributes?: Record<string, string>;
  tags?: string[];
}

export interface ContactFilter {
  search?: string;
  tag?: string;
  optedOut?: boolean;
}

export interface ImportResult {
  imported: number;
  updated: number;
  /** The first 1000 rejected lines; the header is line 1. */
  rejected: Array<{ line: number; reason: string }>;
  rejectedCount: number;
}

// conversations and messages

export const CONVERSATION_STATUSES = ['open', 'closed', 'archived'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

export interface ConversationContact {
  id: string;
  phone: string | null;
  name: string | null;
  firstName: string | null;
  lastName: string | null;
  optedOut: boolean;
  whatsappWindowExpiresAt: string | null;
}

export interface Conversation {
  id: string;
  channelId: string;
  contact: ConversationContact;
  status: ConversationStatus;
  lastMessageAt: string;
  lastMessagePreview: string | null;
  unreadCount: number;
  createdAt: string;
  updatedAt: string;
}

export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'rejected' | 'received';

export interface Template {
  id: string;
  version?: string;
  languageCode?: string;
  parameters?: Record<string, string>;
}

export interface Media {
  url: string;
  caption?: string;
}

export interface MessageContent {
  kind: 'text' | 'template' | 'media';
  text?: string;
  template?: Template;
  media?: Media;
}

export interface Message {
  id: string;
  direction: 'inbound' | 'outbound';
  channelId: string;
  contactId: string;
  conversationId: string;
  campaignId: string | null;
  address: string | null;
  content: MessageContent;
  status: MessageStatus;
  statusReason: string | null;
  errorCode: string | null;
  providerMessageId: string | null;
  clientReference: string | null;
  createdAt: string;
  statusUpdatedAt: string;
}

/** An agent's reply: exactly one of text and template (media is possible but not offered here). */
export type Reply = { text: string } | { template: Template };

export interface SendResult {
  id: string;
  status: MessageStatus;
  conversationId: string;
  clientReference: string;
}

/** The data of a `message.status` event on the inbox stream. */
export interface MessageStatusChange {
  id: string;
  conversationId: string;
  status: MessageStatus;
  statusReason: string | null;
  errorCode: string | null;
  statusUpdatedAt: string;
}

// campaigns

export const CAMPAIGN_STATUSES = [
  'draft',
  'scheduled',
  'sending',
  'paused',
  'completed',
  'cancelled',
  'failed',
] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export type CampaignMessage = { kind: 'text'; text: string } | { kind: 'template'; template: Template };
export type CampaignAudience = { contactIds: string[] } | { tags: string[] } | { all: true };

export interface CampaignStats {
  /** Unique audience contacts, skipped ones included; the other counters add up to it. */
  total: number;
  queued: number;
  sent: number;
  delivered: number;
  read: number;
  /** Failed or rejected. */
  failed: number;
  skippedOptedOut: number;
  skippedInvalid: number;
}

export interface Campaign {
  id: string;
  name: string;
  channelId: string;
  message: CampaignMessage;
  audience: CampaignAudience;
  scheduledAt: string | null;
  ratePerSecond: number | null;
  status: CampaignStatus;
  failureReason: string | null;
  stats: CampaignStats;
  /** 0..1: (total − queued) / total; 1 once completed. */
  progress: number;
  startedAt: string | null;
  completedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CreateCampaign {
  name: string;
  channelId: string;
  message: { text: string } | { template: Template };
  audience: CampaignAudience;
  scheduledAt?: string;
  ratePerSecond?: number;
}
