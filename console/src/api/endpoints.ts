import { call } from './client';
import type { Query } from './http';
import type {
  ApiKey,
  AudienceSize,
  Campaign,
  CampaignAudience,
  CampaignPreview,
  CannedResponse,
  Channel,
  Contact,
  ContactFilter,
  Conversation,
  ConversationChanges,
  ConversationStatus,
  CreateApiKey,
  CreateCampaign,
  CreateCannedResponse,
  CreateChannel,
  CreateContact,
  CreatedApiKey,
  CreatedWebhookEndpoint,
  CreateWebhookEndpoint,
  Dashboard,
  ImportResult,
  Message,
  Note,
  Page,
  Reply,
  SendResult,
  SimulatedInbound,
  User,
  VerifyResult,
  WebhookDelivery,
  WebhookEndpoint,
} from './models';

/** The API routes the console uses, one function each. */

export const MAX_PAGE_SIZE = 200;

const page = (limit: number, cursor?: string): Query => ({ limit, cursor });

export const conversationsApi = {
  list: (
    filter: { status?: ConversationStatus; search?: string; assigneeId?: string },
    limit = 50,
    cursor?: string,
  ) =>
    call<Page<Conversation>>({
      method: 'GET',
      path: '/conversations',
      query: { ...filter, ...page(limit, cursor) },
    }),
  get: (id: string) => call<Conversation>({ method: 'GET', path: `/conversations/${id}` }),
  messages: (id: string, cursor?: string) =>
    call<Page<Message>>({ method: 'GET', path: `/conversations/${id}/messages`, query: page(50, cursor) }),
  reply: (id: string, reply: Reply) =>
    call<SendResult>({ method: 'POST', path: `/conversations/${id}/messages`, json: reply }),
  markRead: (id: string) => call<undefined>({ method: 'POST', path: `/conversations/${id}/read` }),
  update: (id: string, changes: ConversationChanges) =>
    call<Conversation>({ method: 'PATCH', path: `/conversations/${id}`, json: changes }),
  notes: (id: string, cursor?: string) =>
    call<Page<Note>>({
      method: 'GET',
      path: `/conversations/${id}/notes`,
      query: page(MAX_PAGE_SIZE, cursor),
    }),
  addNote: (id: string, text: string) =>
    call<Note>({ method: 'POST', path: `/conversations/${id}/notes`, json: { text } }),
};

export const cannedResponsesApi = {
  list: () =>
    call<Page<CannedResponse>>({ method: 'GET', path: '/canned-responses', query: page(MAX_PAGE_SIZE) }),
  create: (response: CreateCannedResponse) =>
    call<CannedResponse>({ method: 'POST', path: '/canned-responses', json: response }),
  update: (id: string, changes: Partial<CreateCannedResponse>) =>
    call<CannedResponse>({ method: 'PATCH', path: `/canned-responses/${id}`, json: changes }),
  remove: (id: string) => call<undefined>({ method: 'DELETE', path: `/canned-responses/${id}` }),
};

export const usersApi = {
  /** Admins only. */
  list: () => call<Page<User>>({ method: 'GET', path: '/users', query: page(MAX_PAGE_SIZE) }),
};

export const messagesApi = {
  get: (id: string) => call<Message>({ method: 'GET', path: `/messages/${id}` }),
};

export const contactsApi = {
  list: (filter: ContactFilter, limit = 50, cursor?: string) =>
    call<Page<Contact>>({ method: 'GET', path: '/contacts', query: { ...filter, ...page(limit, cursor) } }),
  get: (id: string) => call<Contact>({ method: 'GET', path: `/contacts/${id}` }),
  create: (contact: CreateContact) => call<Contact>({ method: 'POST', path: '/contacts', json: contact }),
  optOut: (id: string) => call<Contact>({ method: 'POST', path: `/contacts/${id}/opt-out` }),
  optIn: (id: string) => call<Contact>({ method: 'POST', path: `/contacts/${id}/opt-in` }),
  importCsv: (file: File, defaultCountry?: string) => {
    const form = new FormData();
    form.append('file', file);
    return call<ImportResult>({ method: 'POST', path: '/contacts/import', query: { defaultCountry }, form });
  },
};

export const channelsApi = {
  list: () => call<Page<Channel>>({ method: 'GET', path: '/channels', query: page(MAX_PAGE_SIZE) }),
  get: (id: string) => call<Channel>({ method: 'GET', path: `/channels/${id}` }),
  create: (channel: CreateChannel) => call<Channel>({ method: 'POST', path: '/channels', json: channel }),
  verify: (id: string) => call<VerifyResult>({ method: 'POST', path: `/channels/${id}/verify` }),
  simulateInbound: (id: string, from: string, text: string) =>
    call<SimulatedInbound>({
      method: 'POST',
      path: `/channels/${id}/simulate-inbound`,
      json: { from, text },
    }),
};

export const dashboardApi = {
  get: () => call<Dashboard>({ method: 'GET', path: '/dashboard' }),
};

export const campaignsApi = {
  list: (cursor?: string) =>
    call<Page<Campaign>>({ method: 'GET', path: '/campaigns', query: page(50, cursor) }),
  get: (id: string) => call<Campaign>({ method: 'GET', path: `/campaigns/${id}` }),
  create: (campaign: CreateCampaign) =>
    call<Campaign>({ method: 'POST', path: '/campaigns', json: campaign }),
  audienceSize: (audience: CampaignAudience) =>
    call<AudienceSize>({ method: 'POST', path: '/campaigns/audience-size', json: { audience } }),
  schedule: (id: string, scheduledAt?: string) =>
    call<Campaign>({
      method: 'POST',
      path: `/campaigns/${id}/schedule`,
      json: scheduledAt ? { scheduledAt } : {},
    }),
  pause: (id: string) => call<Campaign>({ method: 'POST', path: `/campaigns/${id}/pause` }),
  resume: (id: string) => call<Campaign>({ method: 'POST', path: `/campaigns/${id}/resume` }),
  cancel: (id: string) => call<Campaign>({ method: 'POST', path: `/campaigns/${id}/cancel` }),
  preview: (id: string) => call<CampaignPreview>({ method: 'GET', path: `/campaigns/${id}/preview` }),
};

export const apiKeysApi = {
  list: () => call<Page<ApiKey>>({ method: 'GET', path: '/api-keys', query: page(MAX_PAGE_SIZE) }),
  create: (key: CreateApiKey) => call<CreatedApiKey>({ method: 'POST', path: '/api-keys', json: key }),
  revoke: (id: string) => call<undefined>({ method: 'DELETE', path: `/api-keys/${id}` }),
};

export const webhookEndpointsApi = {
  list: () =>
    call<Page<WebhookEndpoint>>({ method: 'GET', path: '/webhook-endpoints', query: page(MAX_PAGE_SIZE) }),
  create: (endpoint: CreateWebhookEndpoint) =>
    call<CreatedWebhookEndpoint>({ method: 'POST', path: '/webhook-endpoints', json: endpoint }),
  setEnabled: (id: string, enabled: boolean) =>
    call<WebhookEndpoint>({ method: 'PATCH', path: `/webhook-endpoints/${id}`, json: { enabled } }),
  remove: (id: string) => call<undefined>({ method: 'DELETE', path: `/webhook-endpoints/${id}` }),
  deliveries: (id: string) =>
    call<Page<WebhookDelivery>>({
      method: 'GET',
      path: `/webhook-endpoints/${id}/deliveries`,
      query: page(20),
    }),
  retry: (id: string, deliveryId: string) =>
    call<undefined>({ method: 'POST', path: `/webhook-endpoints/${id}/deliveries/${deliveryId}/retry` }),
};
