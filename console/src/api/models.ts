/**
 * The console's names for the API's shapes, all taken from the types generated from the OpenAPI
 * document (schema.ts, `npm run openapi:types`): nothing here is written by hand, so the console
 * cannot drift from the API. Lists of values come from the document's enums too.
 */
import {
  apiKeyDtoRoleValues,
  type components,
  conversationDtoStatusValues,
  createWebhookEndpointDtoEventsValues,
  type operations,
} from './schema';

type Schemas = components['schemas'];
/** The JSON body of an operation's response with the given status. */
type JsonResponse<Operation extends keyof operations, Status extends number> =
  operations[Operation]['responses'] extends Record<Status, { content: { 'application/json': infer Body } }>
    ? Body
    : never;
/** The JSON body an operation takes. */
type JsonRequest<Operation extends keyof operations> = operations[Operation] extends {
  requestBody: { content: { 'application/json': infer Body } };
}
  ? Body
  : never;

export type ErrorBody = Schemas['ErrorBodyDto'];
export type TokenPair = Schemas['TokenPairDto'];
export type Me = Schemas['MeDto'];

export type Channel = JsonResponse<'ChannelsController_get', 200>;
export type AudienceSize = JsonResponse<'CampaignsController_audienceSize', 200>;
export type CreateChannel = JsonRequest<'ChannelsController_create'>;
export type ProviderKind = Channel['provider'];
export type VerifyResult = Schemas['VerifyResultDto'];
export type SimulatedInbound = Schemas['SimulatedInboundDto'];

export type Contact = Schemas['ContactDto'];
export type CreateContact = Schemas['CreateContactDto'];
export type ContactFilter = Omit<
  NonNullable<operations['ContactsController_list']['parameters']['query']>,
  'limit' | 'cursor'
>;
export type ImportResult = Schemas['ImportResultDto'];

export type Conversation = Schemas['ConversationDto'];
export type ConversationChanges = Schemas['UpdateConversationDto'];
export type Note = Schemas['NoteDto'];
export type CannedResponse = Schemas['CannedResponseDto'];
export type CreateCannedResponse = Schemas['CreateCannedResponseDto'];
export type User = Schemas['UserDto'];
export type ConversationContact = Schemas['ConversationContactDto'];
export type ConversationStatus = Conversation['status'];
export const CONVERSATION_STATUSES = conversationDtoStatusValues;

export type Message = Schemas['MessageDto'];
export type MessageStatus = Message['status'];
export type MessageContent = Schemas['MessageContentDto'];
export type Template = Schemas['TemplateDto'];
export type Reply = Schemas['ReplyDto'];
export type SendResult = Schemas['SendMessageResultDto'];
/** The data of a `message.status` event on the inbox stream: the changed fields of the message. */
export type MessageStatusChange = Pick<
  Message,
  'id' | 'conversationId' | 'status' | 'statusReason' | 'errorCode' | 'statusUpdatedAt'
>;

export type Campaign = Schemas['CampaignDto'];
export type CampaignStatus = Campaign['status'];
export type CampaignStats = Schemas['CampaignStatsDto'];
export type CampaignAudience = Schemas['CampaignAudienceDto'];
export type CreateCampaign = Schemas['CreateCampaignDto'];
export type CampaignPreview = Schemas['CampaignPreviewDto'];

export type Dashboard = Schemas['DashboardDto'];
export type MessageTotals = Schemas['MessageTotalsDto'];

export type ApiKey = Schemas['ApiKeyDto'];
export type CreatedApiKey = Schemas['CreatedApiKeyDto'];
export type CreateApiKey = Schemas['CreateApiKeyDto'];
export const API_KEY_ROLES = apiKeyDtoRoleValues;
export type WebhookEndpoint = Schemas['WebhookEndpointDto'];
export type CreatedWebhookEndpoint = Schemas['CreatedWebhookEndpointDto'];
export type CreateWebhookEndpoint = Schemas['CreateWebhookEndpointDto'];
export type WebhookDelivery = Schemas['WebhookDeliveryDto'];
export const EVENT_FILTERS = createWebhookEndpointDtoEventsValues;

/** Any of the API's cursor pages. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
