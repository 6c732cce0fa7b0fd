// Generated from the OpenAPI document by `npm run openapi:types` (scripts/openapi-types.ts).
// Do not edit: change the DTOs and controllers in src/, then regenerate.
export interface paths {
  '/health/live': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Liveness: 200 while the process runs */
    get: operations['HealthController_live'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/health/ready': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Readiness: 200 when the database answers, else 503 */
    get: operations['HealthController_ready'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/metrics': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Prometheus metrics (text exposition format) */
    get: operations['HealthController_render'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/users': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List users, newest first (admin) */
    get: operations['UsersController_list'];
    put?: never;
    /** Create a user (admin) */
    post: operations['UsersController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/users/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One user (admin) */
    get: operations['UsersController_get'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    /**
     * Change a user (admin)
     * @description Changing the password or disabling the user ends their sessions. The last active admin cannot be demoted or disabled (409).
     */
    patch: operations['UsersController_update'];
    trace?: never;
  };
  '/api/v1/auth/login': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Log in with email and password
     * @description Throttled per client IP and per email.
     */
    post: operations['AuthController_login'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/refresh': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Exchange a refresh token for a new token pair
     * @description Refresh tokens are single use. Presenting a spent one revokes every token of that session.
     */
    post: operations['AuthController_refresh'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/logout': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** End the session the refresh token belongs to */
    post: operations['AuthController_logout'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The signed-in user */
    get: operations['AuthController_me'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/api-keys': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List API keys, newest first (admin) */
    get: operations['ApiKeysController_list'];
    put?: never;
    /**
     * Create an API key (admin)
     * @description The key is in this response only; it is stored as a hash and cannot be shown again.
     */
    post: operations['ApiKeysController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/api-keys/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Revoke an API key (admin)
     * @description Refused (401) from the next request on, on every instance.
     */
    delete: operations['ApiKeysController_revoke'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/channels': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List channels, newest first */
    get: operations['ChannelsController_list'];
    put?: never;
    /**
     * Configure a channel (admin)
     * @description Secrets are encrypted at rest and never returned. The response carries the webhook URLs to give the provider.
     */
    post: operations['ChannelsController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/channels/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One channel */
    get: operations['ChannelsController_get'];
    put?: never;
    post?: never;
    /**
     * Disable a channel (admin)
     * @description It stays readable with `disabled: true` and keeps its history; sending through it answers 409.
     */
    delete: operations['ChannelsController_disable'];
    options?: never;
    head?: never;
    /**
     * Change a channel (admin)
     * @description Config fields that are omitted keep their values.
     */
    patch: operations['ChannelsController_update'];
    trace?: never;
  };
  '/api/v1/channels/{id}/simulate-inbound': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Make a sandbox channel receive a message (admin)
     * @description The sandbox posts a signed inbound callback to its own webhook route, exactly as a provider would, for trying the inbox and keywords.
     */
    post: operations['ChannelsController_simulateInbound'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/channels/{id}/verify': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Check the channel's credentials against the provider (admin) */
    post: operations['ChannelsController_verify'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/contacts': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List contacts, newest first
     * @description Filters combine; erased contacts are never listed.
     */
    get: operations['ContactsController_list'];
    put?: never;
    /**
     * Create a contact
     * @description The phone may be written in any common form (add `defaultCountry` for national numbers) and is stored as E.164.
     */
    post: operations['ContactsController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/contacts/import': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Import contacts from a CSV file
     * @description Multipart field `file`: a CSV whose header row names the columns `phone` (required), `name`, `firstName`, `lastName`, `tags` (separated by `;`) and any other column as an attribute. A row whose phone exists updates that contact: non-empty cells overwrite, tags given replace the stored ones, attributes given are merged in; empty cells change nothing. The file is streamed and written in chunks, so its size is limited only to 200 MiB; chunks written before a failure stay written. Rejected lines come back with their line number (the header is line 1) and the reason; the first 1000 are listed, `rejectedCount` counts all. A duplicate phone keeps its first line. A header without `phone` rejects line 1 and imports nothing.
     */
    post: operations['ContactsController_importCsv'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/contacts/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One contact */
    get: operations['ContactsController_get'];
    put?: never;
    post?: never;
    /**
     * Erase a contact
     * @description Erases the personal data (phone, names, attributes, tags) and hides the contact; its messages stay for the counts. The phone can be used by a new contact.
     */
    delete: operations['ContactsController_erase'];
    options?: never;
    head?: never;
    /**
     * Change a contact
     * @description Omitted fields keep their values; `attributes` and `tags` replace the stored ones; a new phone is normalised (409 if another contact has it).
     */
    patch: operations['ContactsController_update'];
    trace?: never;
  };
  '/api/v1/contacts/{id}/opt-out': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Opt a contact out of messages on every channel */
    post: operations['ContactsController_optOut'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/contacts/{id}/opt-in': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Opt a contact back in */
    post: operations['ContactsController_optIn'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/contacts/{id}/consent': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A contact's consent history
     * @description Every opt-out and opt-in, oldest first; append-only.
     */
    get: operations['ConsentController_history'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/consent/export': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Export the consent ledger as CSV, for an audit
     * @description Streamed, oldest first; `from` inclusive, `to` exclusive. Columns: contactId,phone,action,source,channelId,keyword,messageId,userId,at. An erased contact's phone is empty.
     */
    get: operations['ConsentController_export'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auto-replies': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List auto-replies, the built-in consent keywords included */
    get: operations['AutoRepliesController_list'];
    put?: never;
    /**
     * Create an auto-reply (admin)
     * @description Matching is case- and whitespace-insensitive. `action` can also opt the sender out or in.
     */
    post: operations['AutoRepliesController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auto-replies/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One auto-reply */
    get: operations['AutoRepliesController_get'];
    put?: never;
    post?: never;
    /**
     * Delete an auto-reply (admin)
     * @description Built-in keywords cannot be deleted (409).
     */
    delete: operations['AutoRepliesController_remove'];
    options?: never;
    head?: never;
    /**
     * Change an auto-reply (admin)
     * @description Built-in keywords: only `reply` can change (409 otherwise).
     */
    patch: operations['AutoRepliesController_update'];
    trace?: never;
  };
  '/api/v1/canned-responses': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List canned responses, newest first */
    get: operations['CannedResponsesController_list'];
    put?: never;
    /**
     * Create a canned response (admin)
     * @description The shortcode is unique regardless of case (409); the text takes the campaign placeholders.
     */
    post: operations['CannedResponsesController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/canned-responses/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One canned response */
    get: operations['CannedResponsesController_get'];
    put?: never;
    post?: never;
    /** Delete a canned response (admin) */
    delete: operations['CannedResponsesController_remove'];
    options?: never;
    head?: never;
    /** Change a canned response (admin) */
    patch: operations['CannedResponsesController_update'];
    trace?: never;
  };
  '/api/v1/messages': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Send one message
     * @description Give exactly one of `text`, `template` and `media`. The contact and conversation are created when new. 403 when the contact opted out; 409 when the channel is disabled; 422 for a free-form WhatsApp message outside the 24-hour window (send a template) or content the channel cannot carry.
     */
    post: operations['MessagesController_send'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/messages/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One message with its delivery status */
    get: operations['MessagesController_get'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/conversations/stream': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Live inbox updates (Server-Sent Events)
     * @description Events `message.created`, `message.status`, `conversation.updated` (also for assignment, status and snooze changes) and `note.created`, each with the JSON object as `data` and its log id as `id`, from every instance; a comment line every 15 s keeps proxies from closing the stream. A client reconnecting with `Last-Event-ID` (or `?lastEventId=`) first receives, in order, every event after it still kept (at least 15 minutes), then live ones. The token may also be given as `?access_token=` (for EventSource).
     */
    get: operations['ConversationsController_events'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/conversations': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The inbox: conversations with the newest activity first
     * @description Every status unless `?status` is given; `?assigneeId=me` the caller’s, `none` the unassigned ones.
     */
    get: operations['ConversationsController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/conversations/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One conversation */
    get: operations['ConversationsController_get'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    /**
     * Assign, snooze, close, reopen or archive the conversation
     * @description `assigneeId` must be an active user (400), `null` unassigns. Agents may take an unassigned conversation or unassign their own; assigning a colleague or reassigning someone else's conversation is for admins (403). `status: "snoozed"` needs a future `snoozedUntil` (400); the conversation reopens by itself then, or when the contact writes. `conversation.updated` on the stream.
     */
    patch: operations['ConversationsController_update'];
    trace?: never;
  };
  '/api/v1/conversations/{id}/messages': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The thread, a page at a time going back in time
     * @description The first page holds the newest messages; items within a page are oldest first; `nextCursor` goes further back.
     */
    get: operations['ConversationsController_thread'];
    put?: never;
    /**
     * Reply in the conversation
     * @description Same rules as POST /messages: 403 when the contact opted out, 422 outside the WhatsApp 24-hour window (send a template). With `cannedResponseId` the canned response is sent as text, its placeholders filled for the contact (404 for an unknown one).
     */
    post: operations['ConversationsController_reply'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/conversations/{id}/read': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Mark the conversation read (unread count to 0) */
    post: operations['ConversationsController_markRead'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/conversations/{id}/notes': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The internal notes, oldest first */
    get: operations['ConversationNotesController_list'];
    put?: never;
    /**
     * Leave an internal note
     * @description For the team only: never sent to the contact, not counted as unread; `note.created` on the stream.
     */
    post: operations['ConversationNotesController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/webhooks/sinch-sms/{channelId}/{token}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Sinch SMS callbacks (public; the URL token authenticates, plus an HMAC when the channel has a webhookSecret)
     * @description `delivery_report_sms`, `recipient_delivery_report_sms`, `mo_text`, `mo_binary`. Stored before the 2xx; redeliveries are recognised.
     */
    post: operations['WebhooksController_sinchSms'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/webhooks/sinch-conversation/{channelId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Sinch Conversation API callbacks (public; Sinch HMAC signature required)
     * @description MESSAGE_INBOUND, MESSAGE_DELIVERY, opt-in/opt-out notifications; other triggers are accepted and ignored.
     */
    post: operations['WebhooksController_sinchConversation'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/webhooks/plivo/{channelId}/status': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Plivo message status callbacks (public; Plivo V3 signature, V2 as fallback) */
    post: operations['WebhooksController_plivoStatus'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/webhooks/plivo/{channelId}/inbound': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Plivo inbound messages (public; Plivo V3 signature, V2 as fallback)
     * @description Answers Plivo XML: a `<Message>` when an auto-reply matched, else an empty `<Response/>`.
     */
    post: operations['WebhooksController_plivoInbound'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/webhooks/sandbox/{channelId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Callbacks the sandbox provider posts to itself (public; signed like Sinch) */
    post: operations['WebhooksController_sandbox'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/campaigns': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List campaigns, newest first */
    get: operations['CampaignsController_list'];
    put?: never;
    /**
     * Create a campaign as a draft (admin)
     * @description A WhatsApp channel needs a template (422). The channel must exist (404) and be enabled (409).
     */
    post: operations['CampaignsController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/campaigns/audience-size': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Count an audience before creating a campaign for it (admin)
     * @description The contacts it holds, those a campaign would send to now, and one of those to preview with.
     */
    post: operations['CampaignsController_audienceSize'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/campaigns/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One campaign with its delivery stats and progress */
    get: operations['CampaignsController_get'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/campaigns/{id}/preview': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * What scheduling the campaign now would do (any state)
     * @description Counts by outcome, held recipients, SMS encoding and segments computed on every recipient’s rendered text, and an estimated duration from the rate limits. Nothing is sent or written.
     */
    get: operations['CampaignsController_preview'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/campaigns/{id}/messages': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The campaign's per-recipient messages, newest first */
    get: operations['CampaignsController_messages'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/campaigns/{id}/schedule': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Schedule at the given time, else the stored scheduledAt, else now (admin)
     * @description 409 from a final state or while sending. 422 when the audience matches no contacts.
     */
    post: operations['CampaignsController_schedule'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/campaigns/{id}/pause': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Pause a scheduled or sending campaign (admin) */
    post: operations['CampaignsController_pause'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/campaigns/{id}/resume': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Resume a paused campaign: sending again if it had started, else scheduled (admin) */
    post: operations['CampaignsController_resume'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/campaigns/{id}/cancel': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Cancel a campaign that has not finished; unsent messages stay queued and are never sent (admin) */
    post: operations['CampaignsController_cancel'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/webhook-endpoints': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List endpoints, newest first (admin) */
    get: operations['WebhookEndpointsController_list'];
    put?: never;
    /**
     * Subscribe an endpoint to events (admin)
     * @description The signing secret is in this response only.
     */
    post: operations['WebhookEndpointsController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/webhook-endpoints/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One endpoint (admin) */
    get: operations['WebhookEndpointsController_get'];
    put?: never;
    post?: never;
    /** Delete an endpoint and its deliveries (admin) */
    delete: operations['WebhookEndpointsController_delete'];
    options?: never;
    head?: never;
    /** Change an endpoint, or enable or disable it (admin) */
    patch: operations['WebhookEndpointsController_update'];
    trace?: never;
  };
  '/api/v1/webhook-endpoints/{id}/deliveries': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * An endpoint's delivery attempts, newest first (admin)
     * @description Deliveries not yet attempted are listed as `pending`.
     */
    get: operations['WebhookEndpointsController_deliveries'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/webhook-endpoints/{id}/deliveries/{deliveryId}/retry': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Retry a delivery now (admin)
     * @description For a delivery that failed or waits for its next attempt; a succeeded one is a 409.
     */
    post: operations['WebhookEndpointsController_retry'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/dashboard': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The admin home page figures (admin)
     * @description Messages sent, delivered, failed and received today and on each of the last seven days (UTC), per channel with its delivery rate, and the campaigns in flight with their progress. Counts are by the day a message was created and what became of it.
     */
    get: operations['DashboardController_get'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    LiveDto: {
      /** @example ok */
      status: string;
    };
    ReadyDto: {
      /** @example ok */
      status: string;
      /** @example up */
      database: string;
    };
    FieldErrorDto: {
      /** @example email */
      field: string;
      /**
       * @example [
       *       "email must be an email"
       *     ]
       */
      messages: string[];
    };
    ErrorBodyDto: {
      /** @example 400 */
      statusCode: number;
      /** @example Bad Request */
      error: string;
      /** @example Validation failed: email must be an email */
      message: string;
      details?: components['schemas']['FieldErrorDto'][];
      /** @example 9b2f0c3e-5d7a-4d8e-9a51-2f1c6e0b7a44 */
      requestId: string;
    };
    CreateUserDto: {
      /**
       * Format: email
       * @example grace@example.com
       */
      email: string;
      /** @example correct horse battery staple */
      password: string;
      /** @example Grace Hopper */
      name?: string;
      /**
       * @example agent
       * @enum {string}
       */
      role: 'admin' | 'agent';
    };
    UserDto: {
      /**
       * Format: uuid
       * @example 3f0c1e9a-8a36-4f7e-9a3c-6f2d9b1c2e44
       */
      id: string;
      /** @example ada@example.com */
      email: string;
      /** @example Ada Lovelace */
      name: string | null;
      /**
       * @example agent
       * @enum {string}
       */
      role: 'admin' | 'agent';
      /** @example false */
      disabled: boolean;
      /**
       * Format: date-time
       * @example 2026-11-23T08:00:00.000Z
       */
      createdAt: string;
      /**
       * Format: date-time
       * @example 2026-11-23T08:00:00.000Z
       */
      updatedAt: string;
    };
    UserPageDto: {
      items: components['schemas']['UserDto'][];
      /** @example null */
      nextCursor: string | null;
    };
    UpdateUserDto: {
      /**
       * @description `null` clears it
       * @example Grace B. Hopper
       */
      name?: string | null;
      /**
       * @example admin
       * @enum {string}
       */
      role?: 'admin' | 'agent';
      /** @example a new long passphrase */
      password?: string;
      /**
       * @description A disabled user cannot log in and loses access at once
       * @example true
       */
      disabled?: boolean;
    };
    LoginDto: {
      /** @example admin@example.com */
      email: string;
      /** @example a long passphrase */
      password: string;
    };
    TokenPairDto: {
      /** @example eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIzZjBjIn0.c2lnbmF0dXJl */
      accessToken: string;
      /**
       * @description Single use: each refresh returns a new one
       * @example q5mV0m2mX0c1X3b1H2fW3lT4y9aZ7eR8uK6pN5sD1gE
       */
      refreshToken: string;
      /**
       * @example Bearer
       * @enum {string}
       */
      tokenType: 'Bearer';
      /**
       * @description Seconds until the access token expires
       * @example 900
       */
      expiresIn: number;
    };
    RefreshTokenDto: {
      /** @example q5mV0m2mX0c1X3b1H2fW3lT4y9aZ7eR8uK6pN5sD1gE */
      refreshToken: string;
    };
    MeDto: {
      /**
       * Format: uuid
       * @example 3f0c1e9a-8a36-4f7e-9a3c-6f2d9b1c2e44
       */
      id: string;
      /** @example admin@example.com */
      email: string;
      /** @example Ada Lovelace */
      name: string | null;
      /**
       * @example admin
       * @enum {string}
       */
      role: 'admin' | 'agent';
    };
    CreateApiKeyDto: {
      /** @example CRM sync */
      name: string;
      /**
       * @description What the key may do, as a user of that role
       * @example agent
       * @enum {string}
       */
      role: 'admin' | 'agent';
    };
    CreatedApiKeyDto: {
      /**
       * Format: uuid
       * @example 0b6f7d7e-3c1a-4f5e-9d2b-8a4c6e1f2a3b
       */
      id: string;
      /** @example CRM sync */
      name: string;
      /**
       * @example agent
       * @enum {string}
       */
      role: 'admin' | 'agent';
      /**
       * @description The first characters of the key, to recognise it
       * @example sb_q3Vh0cKx
       */
      prefix: string;
      /**
       * Format: date-time
       * @example 2026-11-23T08:00:00.000Z
       */
      createdAt: string;
      /**
       * Format: date-time
       * @description Updated at most once a minute
       * @example 2026-11-23T09:30:00.000Z
       */
      lastUsedAt: string | null;
      /**
       * Format: date-time
       * @example null
       */
      revokedAt: string | null;
      /**
       * @description The key itself, shown in this response only: use it as `Authorization: Bearer <key>`
       * @example sb_q3Vh0cKxR2m9T1yWZ8bJfLpA4nE6uD0sGvXcH7kQoIt
       */
      key: string;
    };
    ApiKeyDto: {
      /**
       * Format: uuid
       * @example 0b6f7d7e-3c1a-4f5e-9d2b-8a4c6e1f2a3b
       */
      id: string;
      /** @example CRM sync */
      name: string;
      /**
       * @example agent
       * @enum {string}
       */
      role: 'admin' | 'agent';
      /**
       * @description The first characters of the key, to recognise it
       * @example sb_q3Vh0cKx
       */
      prefix: string;
      /**
       * Format: date-time
       * @example 2026-11-23T08:00:00.000Z
       */
      createdAt: string;
      /**
       * Format: date-time
       * @description Updated at most once a minute
       * @example 2026-11-23T09:30:00.000Z
       */
      lastUsedAt: string | null;
      /**
       * Format: date-time
       * @example null
       */
      revokedAt: string | null;
    };
    ApiKeyPageDto: {
      items: components['schemas']['ApiKeyDto'][];
      /** @example null */
      nextCursor: string | null;
    };
    SinchSmsConfigViewDto: {
      /**
       * @description The provider’s sending limit for this sender or account, in recipients per second. Everything sent through the channel (campaigns, single sends, replies, auto-replies) stays within it together, on every instance
       * @example 25
       */
      maxPerSecond?: number;
      /** @example a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4 */
      servicePlanId: string;
      /**
       * @example us
       * @enum {string}
       */
      region: 'us' | 'eu' | 'au' | 'br' | 'ca';
      /**
       * @description Origin replacing the regional host
       * @example https://us.sms.api.sinch.com
       */
      baseUrl?: string;
      /**
       * @description Secret, masked: the last four characters when it is long enough to spare them
       * @example ••••1a2b
       */
      apiToken: string;
      /**
       * @description Secret, masked: the last four characters when it is long enough to spare them
       * @example ••••1a2b
       */
      webhookSecret?: string;
    };
    CallbackWebhookUrlsDto: {
      /**
       * @description The one URL for all of the provider's callbacks
       * @example https://switchboard.example.com/api/v1/webhooks/sinch-conversation/0b9e3b5e-4a0f-4d3c-9f0e-2d6c1a7b8c9d
       */
      callback: string;
    };
    SinchSmsChannelDto: {
      /**
       * Format: uuid
       * @example 0b9e3b5e-4a0f-4d3c-9f0e-2d6c1a7b8c9d
       */
      id: string;
      /** @example US marketing SMS */
      name: string;
      /** @example +12025550142 */
      sender: string;
      /** @example false */
      disabled: boolean;
      /**
       * Format: date-time
       * @example 2026-11-23T08:00:00.000Z
       */
      createdAt: string;
      /**
       * Format: date-time
       * @example 2026-11-23T08:00:00.000Z
       */
      updatedAt: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      provider: 'sinch-sms';
      /** @description Secret fields are masked (e.g. `••••1a2b`) */
      config: components['schemas']['SinchSmsConfigViewDto'];
      webhookUrls: components['schemas']['CallbackWebhookUrlsDto'];
    };
    SinchConversationConfigViewDto: {
      /**
       * @description The provider’s sending limit for this sender or account, in recipients per second. Everything sent through the channel (campaigns, single sends, replies, auto-replies) stays within it together, on every instance
       * @example 25
       */
      maxPerSecond?: number;
      /** @example c36f3d3d-1513-2edd-ae42-11995557ff61 */
      projectId: string;
      /** @example 01EB37HMH1M6SV18BSNS3G135H */
      appId: string;
      /** @example 5f1b3a9e-0c2d-4e6f-8a1b-2c3d4e5f6a7b */
      keyId: string;
      /**
       * @example eu
       * @enum {string}
       */
      region: 'us' | 'eu' | 'br';
      /**
       * @example WHATSAPP
       * @enum {string}
       */
      channel:
        | 'WHATSAPP'
        | 'SMS'
        | 'RCS'
        | 'MMS'
        | 'VIBERBM'
        | 'MESSENGER'
        | 'INSTAGRAM'
        | 'TELEGRAM'
        | 'KAKAOTALK'
        | 'LINE'
        | 'WECHAT';
      /**
       * @example [
       *       "WHATSAPP",
       *       "SMS"
       *     ]
       */
      channelPriorityOrder?: (
        | 'WHATSAPP'
        | 'SMS'
        | 'RCS'
        | 'MMS'
        | 'VIBERBM'
        | 'MESSENGER'
        | 'INSTAGRAM'
        | 'TELEGRAM'
        | 'KAKAOTALK'
        | 'LINE'
        | 'WECHAT'
      )[];
      /**
       * @description Sender for the SMS channel (SMS_SENDER)
       * @example +12025550142
       */
      smsSender?: string;
      /** @example https://eu.conversation.api.sinch.com */
      baseUrl?: string;
      /** @example https://auth.sinch.com */
      authUrl?: string;
      /**
       * @description Secret, masked: the last four characters when it is long enough to spare them
       * @example ••••1a2b
       */
      keySecret: string;
      /**
       * @description Secret, masked: the last four characters when it is long enough to spare them
       * @example ••••1a2b
       */
      webhookSecret: string;
    };
    SinchConversationChannelDto: {
      /**
       * Format: uuid
       * @example 0b9e3b5e-4a0f-4d3c-9f0e-2d6c1a7b8c9d
       */
      id: string;
      /** @example US marketing SMS */
      name: string;
      /** @example +12025550142 */
      sender: string;
      /** @example false */
      disabled: boolean;
      /**
       * Format: date-time
       * @example 2026-11-23T08:00:00.000Z
       */
      createdAt: string;
      /**
       * Format: date-time
       * @example 2026-11-23T08:00:00.000Z
       */
      updatedAt: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      provider: 'sinch-conversation';
      /** @description Secret fields are masked (e.g. `••••1a2b`) */
      config: components['schemas']['SinchConversationConfigViewDto'];
      webhookUrls: components['schemas']['CallbackWebhookUrlsDto'];
    };
    PlivoConfigViewDto: {
      /**
       * @description The provider’s sending limit for this sender or account, in recipients per second. Everything sent through the channel (campaigns, single sends, replies, auto-replies) stays within it together, on every instance
       * @example 25
       */
      maxPerSecond?: number;
      /** @example MAXXXXXXXXXXXXXXXXXX */
      authId: string;
      /** @example https://api.plivo.com */
      baseUrl?: string;
      /**
       * @description Secret, masked: the last four characters when it is long enough to spare them
       * @example ••••1a2b
       */
      authToken: string;
    };
    PlivoWebhookUrlsDto: {
      /**
       * @description The Plivo application's message URL
       * @example https://switchboard.example.com/api/v1/webhooks/plivo/0b9e3b5e-4a0f-4d3c-9f0e-2d6c1a7b8c9d/inbound
       */
      inbound: string;
      /**
       * @description Where Plivo reports delivery (set on each send)
       * @example https://switchboard.example.com/api/v1/webhooks/plivo/0b9e3b5e-4a0f-4d3c-9f0e-2d6c1a7b8c9d/status
       */
      status: string;
    };
    PlivoChannelDto: {
      /**
       * Format: uuid
       * @example 0b9e3b5e-4a0f-4d3c-9f0e-2d6c1a7b8c9d
       */
      id: string;
      /** @example US marketing SMS */
      name: string;
      /** @example +12025550142 */
      sender: string;
      /** @example false */
      disabled: boolean;
      /**
       * Format: date-time
       * @example 2026-11-23T08:00:00.000Z
       */
      createdAt: string;
      /**
       * Format: date-time
       * @example 2026-11-23T08:00:00.000Z
       */
      updatedAt: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      provider: 'plivo';
      /** @description Secret fields are masked (e.g. `••••1a2b`) */
      config: components['schemas']['PlivoConfigViewDto'];
      webhookUrls: components['schemas']['PlivoWebhookUrlsDto'];
    };
    SandboxConfigViewDto: {
      /**
       * @description The provider’s sending limit for this sender or account, in recipients per second. Everything sent through the channel (campaigns, single sends, replies, auto-replies) stays within it together, on every instance
       * @example 25
       */
      maxPerSecond?: number;
      /**
       * @description Delay before the simulated delivery report
       * @default 500
       * @example 500
       */
      deliveryDelayMs: number;
      /**
       * @description Recipients starting with one of these fail delivery
       * @example [
       *       "+1555"
       *     ]
       */
      failurePrefixes?: string[];
    };
    SandboxChannelDto: {
      /**
       * Format: uuid
       * @example 0b9e3b5e-4a0f-4d3c-9f0e-2d6c1a7b8c9d
       */
      id: string;
      /** @example US marketing SMS */
      name: string;
      /** @example +12025550142 */
      sender: string;
      /** @example false */
      disabled: boolean;
      /**
       * Format: date-time
       * @example 2026-11-23T08:00:00.000Z
       */
      createdAt: string;
      /**
       * Format: date-time
       * @example 2026-11-23T08:00:00.000Z
       */
      updatedAt: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      provider: 'sandbox';
      config: components['schemas']['SandboxConfigViewDto'];
      webhookUrls: components['schemas']['CallbackWebhookUrlsDto'];
    };
    SinchSmsConfigDto: {
      /**
       * @description The provider’s sending limit for this sender or account, in recipients per second. Everything sent through the channel (campaigns, single sends, replies, auto-replies) stays within it together, on every instance
       * @example 25
       */
      maxPerSecond?: number;
      /** @example a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4 */
      servicePlanId: string;
      /**
       * @description Secret: write-only, shown masked
       * @example f1e2d3c4b5a6f1e2d3c4b5a6f1e2d3c4
       */
      apiToken: string;
      /**
       * @example us
       * @enum {string}
       */
      region: 'us' | 'eu' | 'au' | 'br' | 'ca';
      /**
       * @description Origin replacing the regional host
       * @example https://us.sms.api.sinch.com
       */
      baseUrl?: string;
      /**
       * @description Secret: when set, callbacks must carry a valid Sinch HMAC signature
       * @example a-shared-hmac-secret
       */
      webhookSecret?: string;
    };
    CreateSinchSmsChannelDto: {
      /** @example US marketing SMS */
      name: string;
      /**
       * @description E.164 number, short code or alphanumeric sender id
       * @example +12025550142
       */
      sender: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      provider: 'sinch-sms';
      config: components['schemas']['SinchSmsConfigDto'];
    };
    SinchConversationConfigDto: {
      /**
       * @description The provider’s sending limit for this sender or account, in recipients per second. Everything sent through the channel (campaigns, single sends, replies, auto-replies) stays within it together, on every instance
       * @example 25
       */
      maxPerSecond?: number;
      /** @example c36f3d3d-1513-2edd-ae42-11995557ff61 */
      projectId: string;
      /** @example 01EB37HMH1M6SV18BSNS3G135H */
      appId: string;
      /** @example 5f1b3a9e-0c2d-4e6f-8a1b-2c3d4e5f6a7b */
      keyId: string;
      /**
       * @description Secret: write-only, shown masked
       * @example aVeryLongAccessKeySecret
       */
      keySecret: string;
      /**
       * @example eu
       * @enum {string}
       */
      region: 'us' | 'eu' | 'br';
      /**
       * @example WHATSAPP
       * @enum {string}
       */
      channel:
        | 'WHATSAPP'
        | 'SMS'
        | 'RCS'
        | 'MMS'
        | 'VIBERBM'
        | 'MESSENGER'
        | 'INSTAGRAM'
        | 'TELEGRAM'
        | 'KAKAOTALK'
        | 'LINE'
        | 'WECHAT';
      /**
       * @example [
       *       "WHATSAPP",
       *       "SMS"
       *     ]
       */
      channelPriorityOrder?: (
        | 'WHATSAPP'
        | 'SMS'
        | 'RCS'
        | 'MMS'
        | 'VIBERBM'
        | 'MESSENGER'
        | 'INSTAGRAM'
        | 'TELEGRAM'
        | 'KAKAOTALK'
        | 'LINE'
        | 'WECHAT'
      )[];
      /**
       * @description Sender for the SMS channel (SMS_SENDER)
       * @example +12025550142
       */
      smsSender?: string;
      /**
       * @description Secret: the app webhook secret Sinch signs callbacks with
       * @example a-shared-hmac-secret
       */
      webhookSecret: string;
      /** @example https://eu.conversation.api.sinch.com */
      baseUrl?: string;
      /** @example https://auth.sinch.com */
      authUrl?: string;
    };
    CreateSinchConversationChannelDto: {
      /** @example US marketing SMS */
      name: string;
      /**
       * @description E.164 number, short code or alphanumeric sender id
       * @example +12025550142
       */
      sender: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      provider: 'sinch-conversation';
      config: components['schemas']['SinchConversationConfigDto'];
    };
    PlivoConfigDto: {
      /**
       * @description The provider’s sending limit for this sender or account, in recipients per second. Everything sent through the channel (campaigns, single sends, replies, auto-replies) stays within it together, on every instance
       * @example 25
       */
      maxPerSecond?: number;
      /** @example MAXXXXXXXXXXXXXXXXXX */
      authId: string;
      /**
       * @description Secret: write-only, shown masked
       * @example YmFzZTY0c2VjcmV0dG9rZW4xMjM0NTY3ODkw
       */
      authToken: string;
      /** @example https://api.plivo.com */
      baseUrl?: string;
    };
    CreatePlivoChannelDto: {
      /** @example US marketing SMS */
      name: string;
      /**
       * @description E.164 number, short code or alphanumeric sender id
       * @example +12025550142
       */
      sender: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      provider: 'plivo';
      config: components['schemas']['PlivoConfigDto'];
    };
    SandboxConfigDto: {
      /**
       * @description The provider’s sending limit for this sender or account, in recipients per second. Everything sent through the channel (campaigns, single sends, replies, auto-replies) stays within it together, on every instance
       * @example 25
       */
      maxPerSecond?: number;
      /**
       * @description Delay before the simulated delivery report
       * @default 500
       * @example 500
       */
      deliveryDelayMs: number;
      /**
       * @description Recipients starting with one of these fail delivery
       * @example [
       *       "+1555"
       *     ]
       */
      failurePrefixes?: string[];
    };
    CreateSandboxChannelDto: {
      /** @example US marketing SMS */
      name: string;
      /**
       * @description E.164 number, short code or alphanumeric sender id
       * @example +12025550142
       */
      sender: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      provider: 'sandbox';
      config: components['schemas']['SandboxConfigDto'];
    };
    ChannelPageDto: {
      items: (
        | components['schemas']['SinchSmsChannelDto']
        | components['schemas']['SinchConversationChannelDto']
        | components['schemas']['PlivoChannelDto']
        | components['schemas']['SandboxChannelDto']
      )[];
      /** @example null */
      nextCursor: string | null;
    };
    UpdateChannelDto: {
      /** @example US marketing SMS (new sender) */
      name?: string;
      /** @example +12025550143 */
      sender?: string;
      /**
       * @description Fields of the channel's provider config to change (the `config` of its create schema); omitted fields, secrets included, keep their values; `null` removes an optional field
       * @example {
       *       "region": "eu"
       *     }
       */
      config?: {
        [key: string]: unknown;
      };
    };
    SimulateInboundDto: {
      /**
       * @description The customer writing in; any common phone format
       * @example +14155550100
       */
      from: string;
      /** @example STOP */
      text: string;
    };
    SimulatedInboundDto: {
      /**
       * @description The simulated provider's message id
       * @example sandbox-mo-0f8b…
       */
      providerMessageId: string;
    };
    VerifyResultDto: {
      /** @example true */
      ok: boolean;
      /** @example Sinch SMS accepted the service plan id and API token */
      detail: string;
    };
    CreateContactDto: {
      /**
       * @description Any common format; stored as E.164
       * @example (415) 555-0100
       */
      phone: string;
      /**
       * @description ISO 3166-1 alpha-2 country used for numbers written without a country code
       * @example US
       */
      defaultCountry?: string;
      /** @example Ada Lovelace */
      name?: string;
      /** @example Ada */
      firstName?: string;
      /** @example Lovelace */
      lastName?: string;
      /**
       * @description Flat string values; keys match ^[A-Za-z][A-Za-z0-9_]{0,63}$ (at most 50)
       * @example {
       *       "company": "Analytical Engines Ltd",
       *       "plan": "gold"
       *     }
       */
      attributes?: {
        [key: string]: string;
      };
      /**
       * @description 1..64 characters each, trimmed and de-duplicated (at most 50)
       * @example [
       *       "vip",
       *       "newsletter"
       *     ]
       */
      tags?: string[];
      /**
       * @description IANA time zone of the contact; unset, the zone is derived from the number
       * @example America/Chicago
       */
      timeZone?: string;
    };
    ContactDto: {
      /**
       * Format: uuid
       * @example 6a1f4f0e-2f7e-4b8e-9a55-0c1d2e3f4a5b
       */
      id: string;
      /**
       * @description E.164; null for a contact known only by a channel identity
       * @example +14155550100
       */
      phone: string | null;
      /** @example Ada Lovelace */
      name: string | null;
      /** @example Ada */
      firstName: string | null;
      /** @example Lovelace */
      lastName: string | null;
      /**
       * @description Flat string values; keys match ^[A-Za-z][A-Za-z0-9_]{0,63}$ (at most 50)
       * @example {
       *       "company": "Analytical Engines Ltd",
       *       "plan": "gold"
       *     }
       */
      attributes: {
        [key: string]: string;
      };
      /**
       * @description 1..64 characters each, trimmed and de-duplicated (at most 50)
       * @example [
       *       "vip",
       *       "newsletter"
       *     ]
       */
      tags: string[];
      /**
       * @description Opted out of messages on every channel
       * @example false
       */
      optedOut: boolean;
      /**
       * Format: date-time
       * @example null
       */
      optedOutAt: string | null;
      /**
       * @description The contact's IANA time zone: the one given, else the one its number's prefix says; null when unknown
       * @example America/New_York
       */
      timeZone: string | null;
      /**
       * @description Where `timeZone` comes from: set on the contact, or derived from the number
       * @example phone
       * @enum {string|null}
       */
      timeZoneSource: 'contact' | 'phone' | null;
      /**
       * Format: date-time
       * @description End of WhatsApp's 24-hour customer-service window
       * @example 2026-11-24T08:00:00.000Z
       */
      whatsappWindowExpiresAt: string | null;
      /**
       * Format: date-time
       * @example 2026-11-23T08:00:00.000Z
       */
      createdAt: string;
      /**
       * Format: date-time
       * @example 2026-11-23T08:00:00.000Z
       */
      updatedAt: string;
    };
    ContactPageDto: {
      items: components['schemas']['ContactDto'][];
      /** @example null */
      nextCursor: string | null;
    };
    ImportRejectionDto: {
      /**
       * @description Line number in the file; the header is line 1
       * @example 7
       */
      line: number;
      /** @example phone "555-01" is not a valid phone number */
      reason: string;
    };
    ImportResultDto: {
      /**
       * @description New contacts created
       * @example 998
       */
      imported: number;
      /**
       * @description Existing contacts (same phone) updated
       * @example 1
       */
      updated: number;
      /** @description The first 1000 rejected lines, in file order */
      rejected: components['schemas']['ImportRejectionDto'][];
      /**
       * @description All rejected lines, including those beyond the first 1000
       * @example 1
       */
      rejectedCount: number;
    };
    UpdateContactDto: {
      /**
       * @description Any common format; stored as E.164
       * @example +44 20 7946 0958
       */
      phone?: string;
      /**
       * @description Reads a changed `phone` written without a country code
       * @example US
       */
      defaultCountry?: string;
      /** @example Ada King */
      name?: string | null;
      /** @example Ada */
      firstName?: string | null;
      /** @example King */
      lastName?: string | null;
      /**
       * @description Replaces all attributes
       * @example {
       *       "company": "Analytical Engines Ltd",
       *       "plan": "gold"
       *     }
       */
      attributes?: {
        [key: string]: string;
      };
      /**
       * @description Replaces all tags
       * @example [
       *       "vip",
       *       "newsletter"
       *     ]
       */
      tags?: string[];
      /**
       * @description IANA time zone; `null` goes back to the zone derived from the number
       * @example America/Chicago
       */
      timeZone?: string | null;
    };
    ConsentEventDto: {
      /**
       * @description Increasing with time
       * @example 42
       */
      id: string;
      /**
       * @example opt_out
       * @enum {string}
       */
      action: 'opt_out' | 'opt_in';
      /**
       * @description keyword: an inbound message carried a consent keyword; api: a user (or API key) called opt-out/opt-in; provider: the provider reported it (Plivo MessageIntent, Sinch Conversation opt-out). Imports never change consent.
       * @example keyword
       * @enum {string}
       */
      source: 'keyword' | 'api' | 'import' | 'provider';
      /**
       * Format: uuid
       * @example 0b9e3b5e-4a0f-4d3c-9f0e-2d6c1a7b8c9d
       */
      channelId: string | null;
      /**
       * @description The keyword as matched
       * @example STOP
       */
      keyword: string | null;
      /**
       * Format: uuid
       * @description The inbound message that carried the keyword
       * @example 5f2b8c1e-3d4a-4b6c-8e9f-0a1b2c3d4e5f
       */
      messageId: string | null;
      /**
       * Format: uuid
       * @description The user who called the API
       * @example null
       */
      userId: string | null;
      /**
       * Format: date-time
       * @example 2026-11-23T08:00:00.000Z
       */
      at: string;
    };
    CreateAutoReplyDto: {
      /**
       * @example [
       *       "HOURS",
       *       "OPENING HOURS"
       *     ]
       */
      keywords: string[];
      /**
       * @example exact
       * @enum {string}
       */
      match: 'exact' | 'startsWith' | 'contains';
      /** @example We're open 9-5, Monday to Friday. */
      reply: string;
      /**
       * Format: uuid
       * @description Only for this channel; omitted: every channel
       */
      channelId?: string;
      /**
       * @default none
       * @example none
       * @enum {string}
       */
      action: 'none' | 'opt_out' | 'opt_in';
      /**
       * @default true
       * @example true
       */
      enabled: boolean;
    };
    AutoReplyDto: {
      /** Format: uuid */
      id: string;
      /**
       * @description Built-in rules: only `reply` can change
       * @example null
       * @enum {string|null}
       */
      builtin: 'opt_out' | 'opt_in' | 'help' | null;
      /**
       * @example [
       *       "HOURS"
       *     ]
       */
      keywords: string[];
      /**
       * @example exact
       * @enum {string}
       */
      match: 'exact' | 'startsWith' | 'contains';
      /** @example We're open 9-5 */
      reply: string;
      /**
       * Format: uuid
       * @example null
       */
      channelId: string | null;
      /**
       * @example none
       * @enum {string}
       */
      action: 'none' | 'opt_out' | 'opt_in';
      /** @example true */
      enabled: boolean;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      updatedAt: string;
    };
    AutoReplyPageDto: {
      items: components['schemas']['AutoReplyDto'][];
      /** @example null */
      nextCursor: string | null;
    };
    UpdateAutoReplyDto: {
      /**
       * @example [
       *       "HOURS",
       *       "OPENING HOURS"
       *     ]
       */
      keywords?: string[];
      /**
       * @example exact
       * @enum {string}
       */
      match?: 'exact' | 'startsWith' | 'contains';
      /** @example We're open 9-5, Monday to Friday. */
      reply?: string;
      /**
       * Format: uuid
       * @description Only for this channel; omitted: every channel
       */
      channelId?: string;
      /**
       * @default none
       * @example none
       * @enum {string}
       */
      action: 'none' | 'opt_out' | 'opt_in';
      /**
       * @default true
       * @example true
       */
      enabled: boolean;
    };
    CreateCannedResponseDto: {
      /**
       * @description Typed after `/` in the reply box: letters, digits, `-` and `_`; unique regardless of case
       * @example hours
       */
      shortcode: string;
      /**
       * @description The reply; `{{name}}`, `{{firstName}}`, `{{lastName}}`, `{{phone}}` and `{{attributes.<key>}}` are filled for the contact, as in campaigns
       * @example Hi {{firstName}}, we're open 9–5.
       */
      text: string;
    };
    CannedResponseDto: {
      /** Format: uuid */
      id: string;
      /** @example hours */
      shortcode: string;
      /** @example Hi {{firstName}}, we're open 9–5. */
      text: string;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      updatedAt: string;
    };
    CannedResponsePageDto: {
      items: components['schemas']['CannedResponseDto'][];
      /** @example null */
      nextCursor: string | null;
    };
    UpdateCannedResponseDto: {
      /**
       * @description Typed after `/` in the reply box: letters, digits, `-` and `_`; unique regardless of case
       * @example hours
       */
      shortcode?: string;
      /**
       * @description The reply; `{{name}}`, `{{firstName}}`, `{{lastName}}`, `{{phone}}` and `{{attributes.<key>}}` are filled for the contact, as in campaigns
       * @example Hi {{firstName}}, we're open 9–5.
       */
      text?: string;
    };
    TemplateDto: {
      /** @example order_update */
      id: string;
      /** @example 1 */
      version?: string;
      /** @example en_US */
      languageCode?: string;
      /**
       * @example {
       *       "name": "Ada"
       *     }
       */
      parameters?: {
        [key: string]: string;
      };
    };
    MediaDto: {
      /**
       * Format: url
       * @example https://example.com/receipt.png
       */
      url: string;
      /** @example Your receipt */
      caption?: string;
    };
    SendMessageDto: {
      /** @example Hello from Switchboard */
      text?: string;
      template?: components['schemas']['TemplateDto'];
      media?: components['schemas']['MediaDto'];
      /**
       * Format: uuid
       * @example 0b9e3b5e-4a0f-4d3c-9f0e-2d6c1a7b8c9d
       */
      channelId: string;
      /**
       * @description Any common phone format; stored as E.164
       * @example +14155550100
       */
      to: string;
      /**
       * @description ISO country for numbers written without +
       * @example US
       */
      defaultCountry?: string;
    };
    SendMessageResultDto: {
      /**
       * Format: uuid
       * @example 5c1d1e8e-2f57-4f1c-9a43-3b8f0d6a9e21
       */
      id: string;
      /**
       * @description `queued` until the provider has accepted it (retries included), then `sent`
       * @example sent
       * @enum {string}
       */
      status:
        'queued' | 'held' | 'skipped' | 'sent' | 'delivered' | 'read' | 'failed' | 'rejected' | 'received';
      /** Format: uuid */
      conversationId: string;
      /** @example sb_5c1d1e8e2f574f1c9a433b8f0d6a9e21 */
      clientReference: string;
    };
    MessageContentDto: {
      /**
       * @example text
       * @enum {string}
       */
      kind: 'text' | 'template' | 'media';
      /** @example Hello from Switchboard */
      text?: string;
      template?: components['schemas']['TemplateDto'];
      media?: components['schemas']['MediaDto'];
    };
    MessageDto: {
      /**
       * Format: uuid
       * @example 5c1d1e8e-2f57-4f1c-9a43-3b8f0d6a9e21
       */
      id: string;
      /**
       * @example outbound
       * @enum {string}
       */
      direction: 'inbound' | 'outbound';
      /** Format: uuid */
      channelId: string;
      /** Format: uuid */
      contactId: string;
      /** Format: uuid */
      conversationId: string;
      /**
       * Format: uuid
       * @example null
       */
      campaignId: string | null;
      /**
       * @description Recipient (outbound) or sender (inbound)
       * @example +14155550100
       */
      address: string | null;
      content: components['schemas']['MessageContentDto'];
      /**
       * @example delivered
       * @enum {string}
       */
      status:
        'queued' | 'held' | 'skipped' | 'sent' | 'delivered' | 'read' | 'failed' | 'rejected' | 'received';
      /** @example null */
      statusReason: string | null;
      /** @example null */
      errorCode: string | null;
      /** @example 01JHFFHQ0P99JPPNQPJDV7JTBP */
      providerMessageId: string | null;
      /**
       * @description The reference the provider was sent (for a campaign batch, the batch's), fixed before the first attempt
       * @example sb_5c1d1e8e2f574f1c9a433b8f0d6a9e21
       */
      clientReference: string | null;
      /**
       * @description Times it was handed to the provider
       * @example 1
       */
      attempts: number;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      statusUpdatedAt: string;
    };
    ConversationContactDto: {
      /** Format: uuid */
      id: string;
      /** @example +14155550100 */
      phone: string | null;
      /** @example Ada Lovelace */
      name: string | null;
      /** @example Ada */
      firstName: string | null;
      /** @example Lovelace */
      lastName: string | null;
      /** @example false */
      optedOut: boolean;
      /**
       * Format: date-time
       * @description End of the WhatsApp 24-hour window
       * @example null
       */
      whatsappWindowExpiresAt: string | null;
    };
    ConversationDto: {
      /** Format: uuid */
      id: string;
      /** Format: uuid */
      channelId: string;
      contact: components['schemas']['ConversationContactDto'];
      /**
       * @example open
       * @enum {string}
       */
      status: 'open' | 'snoozed' | 'closed' | 'archived';
      /**
       * Format: uuid
       * @description The user who owns the conversation; null when unassigned
       * @example null
       */
      assigneeId: string | null;
      /**
       * Format: date-time
       * @description When a snoozed conversation reopens by itself; null unless the status is `snoozed`
       * @example null
       */
      snoozedUntil: string | null;
      /** Format: date-time */
      lastMessageAt: string;
      /** @example Is my order on its way? */
      lastMessagePreview: string | null;
      /** @example 2 */
      unreadCount: number;
      /**
       * Format: date-time
       * @description Set when the contact wrote an opt-out request in words of its own ("please stop", "unsubscribe me") that is not a consent keyword: it is not acted on, an agent should opt the contact out or answer. Cleared when the contact's consent next changes.
       * @example null
       */
      optOutRequestedAt: string | null;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      updatedAt: string;
    };
    ConversationPageDto: {
      items: components['schemas']['ConversationDto'][];
      /** @example null */
      nextCursor: string | null;
    };
    MessagePageDto: {
      items: components['schemas']['MessageDto'][];
      /** @example null */
      nextCursor: string | null;
    };
    ReplyDto: {
      /** @example Hello from Switchboard */
      text?: string;
      template?: components['schemas']['TemplateDto'];
      media?: components['schemas']['MediaDto'];
      /**
       * Format: uuid
       * @description A canned response, sent with its placeholders filled for the conversation's contact (instead of text, template or media)
       * @example 5f0c6a1e-2b7d-4e0a-9c3f-8d1e2f3a4b5c
       */
      cannedResponseId?: string;
    };
    UpdateConversationDto: {
      /**
       * @description `snoozed` needs a future `snoozedUntil`; leaving `snoozed` clears it
       * @example closed
       * @enum {string}
       */
      status?: 'open' | 'snoozed' | 'closed' | 'archived';
      /**
       * Format: uuid
       * @description An active user, or null to unassign. Agents may take an unassigned conversation or unassign their own; reassigning someone else's, or assigning a colleague, is for admins (403)
       * @example 0b9e3b5e-4a0f-4d3c-9f0e-2d6c1a7b8c9d
       */
      assigneeId?: string | null;
      /**
       * Format: date-time
       * @description When the snoozed conversation reopens by itself; only with the status `snoozed`, in the future
       * @example 2030-01-01T09:00:00.000Z
       */
      snoozedUntil?: string | null;
    };
    CreateNoteDto: {
      /** @example Called her back; the parcel left the depot this morning. */
      text: string;
    };
    NoteDto: {
      /** Format: uuid */
      id: string;
      /** Format: uuid */
      conversationId: string;
      /**
       * Format: uuid
       * @description The user who wrote it
       */
      authorId: string;
      /** @example Called her back; the parcel left the depot this morning. */
      text: string;
      /** Format: date-time */
      createdAt: string;
    };
    NotePageDto: {
      items: components['schemas']['NoteDto'][];
      /** @example null */
      nextCursor: string | null;
    };
    WebhookAcceptedDto: {
      /**
       * @description Events in the request
       * @example 1
       */
      received: number;
      /**
       * @description Events stored for processing (new ones)
       * @example 1
       */
      stored: number;
      /**
       * @description Events already received before (redeliveries)
       * @example 0
       */
      duplicates: number;
    };
    CampaignMessageDto: {
      /**
       * @description Placeholders: {{name}}, {{firstName}}, {{lastName}}, {{phone}}, {{attributes.X}}; a missing value renders empty
       * @example Hi {{firstName}}, 20% off today. Reply STOP to opt out.
       */
      text?: string;
      template?: components['schemas']['TemplateDto'];
    };
    CampaignAudienceDto: {
      /**
       * @example [
       *       "3f0c1e9a-8a36-4f7e-9a3c-6f2d9b1c2e44"
       *     ]
       */
      contactIds?: string[];
      /**
       * @description Contacts with any of these tags
       * @example [
       *       "vip"
       *     ]
       */
      tags?: string[];
      /**
       * @description Every contact
       * @example true
       * @enum {boolean}
       */
      all?: true;
    };
    SendWindowDto: {
      /**
       * @description Local time the window opens (inclusive)
       * @example 08:00
       */
      start: string;
      /**
       * @description Local time the window closes (exclusive); before start for a window across midnight
       * @example 21:00
       */
      end: string;
      /**
       * @description Local days the window opens on; absent: every day
       * @example [
       *       "mon",
       *       "tue",
       *       "wed",
       *       "thu",
       *       "fri"
       *     ]
       */
      days?: ('mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun')[];
      /**
       * @description Recipients whose time zone is unknown: held (default) or sent at once
       * @example hold
       * @enum {string}
       */
      unknownTimeZone?: 'hold' | 'send';
    };
    FrequencyCapDto: {
      /** @example 2 */
      max: number;
      /** @example 24 */
      perHours: number;
    };
    CreateCampaignDto: {
      /** @example Spring sale */
      name: string;
      /**
       * Format: uuid
       * @example 0b9e3b5e-4a0f-4d3c-9f0e-2d6c1a7b8c9d
       */
      channelId: string;
      message: components['schemas']['CampaignMessageDto'];
      /**
       * @example {
       *       "tags": [
       *         "vip"
       *       ]
       *     }
       */
      audience: components['schemas']['CampaignAudienceDto'];
      /**
       * Format: date-time
       * @description Used when the campaign is scheduled without a time
       * @example 2026-12-01T15:00:00Z
       */
      scheduledAt?: string;
      /**
       * @description Absent: as fast as the provider accepts
       * @example 50
       */
      ratePerSecond?: number;
      /** @description Send only within these local hours in each recipient's time zone; others are held */
      sendWindow?: components['schemas']['SendWindowDto'];
      /** @description Skip contacts that already received `max` campaign messages in the last `perHours` hours */
      frequencyCap?: components['schemas']['FrequencyCapDto'];
    };
    CampaignMessageViewDto: {
      /**
       * @example text
       * @enum {string}
       */
      kind: 'text' | 'template';
      /** @example Hi {{firstName}}, 20% off today. */
      text?: string;
      template?: components['schemas']['TemplateDto'];
    };
    CampaignStatsDto: {
      /**
       * @description Unique audience contacts, skipped ones included (0 until the audience is resolved)
       * @example 2500
       */
      total: number;
      /** @example 0 */
      queued: number;
      /**
       * @description Outside their send window now, in their own time zone; sent when it opens
       * @example 0
       */
      held: number;
      /** @example 1200 */
      sent: number;
      /** @example 1250 */
      delivered: number;
      /** @example 10 */
      read: number;
      /**
       * @description Failed or rejected
       * @example 20
       */
      failed: number;
      /** @example 15 */
      skippedOptedOut: number;
      /**
       * @description Erased contacts and contacts without a phone number
       * @example 5
       */
      skippedInvalid: number;
      /**
       * @description Left out by the frequency cap (listed among the messages as skipped, reason frequency_cap)
       * @example 0
       */
      skippedFrequencyCap: number;
    };
    CampaignDto: {
      /**
       * Format: uuid
       * @example 7d4b2c1a-0e9f-4b8a-a6c5-3e2d1f0a9b8c
       */
      id: string;
      /** @example Spring sale */
      name: string;
      /** Format: uuid */
      channelId: string;
      message: components['schemas']['CampaignMessageViewDto'];
      /**
       * @example {
       *       "tags": [
       *         "vip"
       *       ]
       *     }
       */
      audience: components['schemas']['CampaignAudienceDto'];
      /**
       * Format: date-time
       * @example 2026-12-01T15:00:00.000Z
       */
      scheduledAt: string | null;
      /** @example 50 */
      ratePerSecond: number | null;
      /**
       * @example {
       *       "start": "08:00",
       *       "end": "21:00"
       *     }
       */
      sendWindow: components['schemas']['SendWindowDto'] | null;
      /**
       * @example {
       *       "max": 2,
       *       "perHours": 24
       *     }
       */
      frequencyCap: components['schemas']['FrequencyCapDto'] | null;
      /**
       * @example draft
       * @enum {string}
       */
      status: 'draft' | 'scheduled' | 'sending' | 'paused' | 'completed' | 'cancelled' | 'failed';
      /** @example null */
      failureReason: string | null;
      stats: components['schemas']['CampaignStatsDto'];
      /**
       * @description (total − queued) / total; 1 once completed
       * @example 0.5
       */
      progress: number;
      /**
       * Format: date-time
       * @example null
       */
      startedAt: string | null;
      /**
       * Format: date-time
       * @example null
       */
      completedAt: string | null;
      /**
       * Format: date-time
       * @example 2026-11-23T08:00:00.000Z
       */
      createdAt: string;
      /**
       * Format: date-time
       * @example 2026-11-23T08:00:00.000Z
       */
      updatedAt: string;
    };
    AudienceSizeRequestDto: {
      /**
       * @example {
       *       "tags": [
       *         "vip"
       *       ]
       *     }
       */
      audience: components['schemas']['CampaignAudienceDto'];
    };
    AudienceSizeDto: {
      /**
       * @description Contacts in the audience
       * @example 120
       */
      contacts: number;
      /**
       * @description Of those, the ones a campaign would send to now: not opted out, with a phone number
       * @example 117
       */
      reachable: number;
      /**
       * Format: uuid
       * @description A reachable contact of the audience, to preview the text with; null when there is none
       * @example 3f0c1e9a-8a36-4f7e-9a3c-6f2d9b1c2e44
       */
      sampleContactId: string | null;
    };
    CampaignPageDto: {
      items: components['schemas']['CampaignDto'][];
      /** @example null */
      nextCursor: string | null;
    };
    SegmentRangeDto: {
      /** @example 1 */
      min: number;
      /** @example 2 */
      max: number;
    };
    CampaignPreviewDto: {
      /**
       * @description Who would get the message: the unique audience minus everyone skipped (held ones included)
       * @example 2480
       */
      recipients: number;
      /** @example 15 */
      skippedOptedOut: number;
      /**
       * @description Erased contacts and contacts without a phone number
       * @example 5
       */
      skippedInvalid: number;
      /** @example 0 */
      skippedFrequencyCap: number;
      /**
       * @description Recipients outside the send window in their own time zone right now (also in recipients)
       * @example 310
       */
      heldNow: number;
      /**
       * @description UCS-2 as soon as one recipient’s rendered text has a character outside GSM-7
       * @example GSM-7
       * @enum {string}
       */
      encoding: 'GSM-7' | 'UCS-2';
      /** @description SMS segments of the shortest and longest rendered text (0 without recipients) */
      segmentsPerMessage: components['schemas']['SegmentRangeDto'];
      /**
       * @description SMS segments over all recipients
       * @example 2480
       */
      totalSegments: number;
      /**
       * @description Seconds to send to every recipient at the tightest of the campaign's ratePerSecond and the channel's maxPerSecond; null when neither is set (as fast as the provider accepts). Held recipients wait for their window on top of this.
       * @example 50
       */
      estimatedSeconds: number | null;
    };
    CampaignMessagePageDto: {
      items: components['schemas']['MessageDto'][];
      /** @example null */
      nextCursor: string | null;
    };
    ScheduleCampaignDto: {
      /**
       * Format: date-time
       * @description Absent: the stored scheduledAt, else now
       * @example 2026-12-01T15:00:00Z
       */
      scheduledAt?: string;
    };
    CreateWebhookEndpointDto: {
      /**
       * Format: url
       * @description Where events are posted. https, and resolving to public addresses only, unless the server runs with WEBHOOK_ENDPOINTS_ALLOW_PRIVATE=true
       * @example https://crm.example.com/hooks/switchboard
       */
      url: string;
      /**
       * @description Event types to receive; `*` for all
       * @example [
       *       "message.received",
       *       "message.status"
       *     ]
       */
      events: (
        | '*'
        | 'message.received'
        | 'message.status'
        | 'contact.opted_out'
        | 'contact.opted_in'
        | 'campaign.status'
        | 'conversation.assigned'
      )[];
      /** @example CRM: inbound messages and delivery statuses */
      description?: string;
    };
    CreatedWebhookEndpointDto: {
      /**
       * Format: uuid
       * @example 5a0e8c1d-2b3f-4c5d-8e6f-7a8b9c0d1e2f
       */
      id: string;
      /** @example https://crm.example.com/hooks/switchboard */
      url: string;
      /**
       * @example [
       *       "message.received",
       *       "message.status"
       *     ]
       */
      events: (
        | '*'
        | 'message.received'
        | 'message.status'
        | 'contact.opted_out'
        | 'contact.opted_in'
        | 'campaign.status'
        | 'conversation.assigned'
      )[];
      /** @example CRM: inbound messages and delivery statuses */
      description: string | null;
      /** @example true */
      enabled: boolean;
      /**
       * @description Why the endpoint is disabled (by an admin, or after 24 hours of failed deliveries)
       * @example null
       */
      disabledReason: string | null;
      /**
       * Format: date-time
       * @description Start of the current run of failed deliveries; null after a success
       * @example null
       */
      failingSince: string | null;
      /**
       * @description The signing secret (`whsec_` + base64), shown in this response only: verify deliveries with any Standard Webhooks library
       * @example whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw1U5Gxb0jZk8=
       */
      secret: string;
      /**
       * Format: date-time
       * @example 2026-11-23T08:00:00.000Z
       */
      createdAt: string;
      /**
       * Format: date-time
       * @example 2026-11-23T08:00:00.000Z
       */
      updatedAt: string;
    };
    WebhookEndpointDto: {
      /**
       * Format: uuid
       * @example 5a0e8c1d-2b3f-4c5d-8e6f-7a8b9c0d1e2f
       */
      id: string;
      /** @example https://crm.example.com/hooks/switchboard */
      url: string;
      /**
       * @example [
       *       "message.received",
       *       "message.status"
       *     ]
       */
      events: (
        | '*'
        | 'message.received'
        | 'message.status'
        | 'contact.opted_out'
        | 'contact.opted_in'
        | 'campaign.status'
        | 'conversation.assigned'
      )[];
      /** @example CRM: inbound messages and delivery statuses */
      description: string | null;
      /** @example true */
      enabled: boolean;
      /**
       * @description Why the endpoint is disabled (by an admin, or after 24 hours of failed deliveries)
       * @example null
       */
      disabledReason: string | null;
      /**
       * Format: date-time
       * @description Start of the current run of failed deliveries; null after a success
       * @example null
       */
      failingSince: string | null;
      /**
       * @description Masked: the secret is shown once, when the endpoint is created
       * @example whsec_••••Zk8=
       */
      secret: string;
      /**
       * Format: date-time
       * @example 2026-11-23T08:00:00.000Z
       */
      createdAt: string;
      /**
       * Format: date-time
       * @example 2026-11-23T08:00:00.000Z
       */
      updatedAt: string;
    };
    WebhookEndpointPageDto: {
      items: components['schemas']['WebhookEndpointDto'][];
      /** @example null */
      nextCursor: string | null;
    };
    UpdateWebhookEndpointDto: {
      /**
       * Format: url
       * @description Where events are posted. https, and resolving to public addresses only, unless the server runs with WEBHOOK_ENDPOINTS_ALLOW_PRIVATE=true
       * @example https://crm.example.com/hooks/v2
       */
      url?: string;
      /**
       * @description Event types to receive; `*` for all
       * @example [
       *       "*"
       *     ]
       */
      events?: (
        | '*'
        | 'message.received'
        | 'message.status'
        | 'contact.opted_out'
        | 'contact.opted_in'
        | 'campaign.status'
        | 'conversation.assigned'
      )[];
      /**
       * @description Enabling an endpoint clears `disabledReason`; deliveries still pending resume
       * @example true
       */
      enabled?: boolean;
      /** @example CRM */
      description?: string | null;
    };
    WebhookDeliveryDto: {
      /**
       * Format: uuid
       * @description The attempt (or, while none was made, the delivery)
       * @example 8c7b6a5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d
       */
      id: string;
      /**
       * Format: uuid
       * @description The delivery: what `retry` takes
       * @example 1e2d3c4b-5a6f-4e7d-8c9b-0a1f2e3d4c5b
       */
      deliveryId: string;
      /**
       * Format: uuid
       * @description The event: the `webhook-id` header, the same on every attempt
       * @example 2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e
       */
      eventId: string;
      /** @example message.status */
      type: string;
      /** @example 1 */
      attempt: number;
      /**
       * @example succeeded
       * @enum {string}
       */
      status: 'succeeded' | 'failed' | 'pending';
      /** @example 200 */
      responseStatus: number | null;
      /**
       * @description The first 1 KiB of the answer
       * @example ok
       */
      responseBody: string | null;
      /** @example null */
      error: string | null;
      /**
       * Format: date-time
       * @example 2026-11-23T08:00:00.000Z
       */
      at: string;
      /**
       * Format: date-time
       * @description When the next attempt is due, on the latest attempt of a delivery still being retried
       * @example null
       */
      nextAttemptAt: string | null;
    };
    WebhookDeliveryPageDto: {
      items: components['schemas']['WebhookDeliveryDto'][];
      /** @example null */
      nextCursor: string | null;
    };
    MessageTotalsDto: {
      /**
       * @description Outbound messages the provider accepted: sent, delivered or read
       * @example 1240
       */
      sent: number;
      /**
       * @description Outbound messages delivered or read
       * @example 1180
       */
      delivered: number;
      /**
       * @description Outbound messages failed or rejected
       * @example 12
       */
      failed: number;
      /**
       * @description Inbound messages received
       * @example 310
       */
      inbound: number;
    };
    DayFiguresDto: {
      /**
       * @description Outbound messages the provider accepted: sent, delivered or read
       * @example 1240
       */
      sent: number;
      /**
       * @description Outbound messages delivered or read
       * @example 1180
       */
      delivered: number;
      /**
       * @description Outbound messages failed or rejected
       * @example 12
       */
      failed: number;
      /**
       * @description Inbound messages received
       * @example 310
       */
      inbound: number;
      /**
       * Format: date
       * @description A UTC calendar day
       * @example 2026-12-07
       */
      date: string;
    };
    ChannelFiguresDto: {
      /**
       * Format: uuid
       * @example 3f6c1d2e-8a4b-4c9d-9e1f-2a3b4c5d6e7f
       */
      id: string;
      /** @example Support SMS */
      name: string;
      /** @example sinch-sms */
      provider: string;
      today: components['schemas']['MessageTotalsDto'];
      week: components['schemas']['MessageTotalsDto'];
      /**
       * @description This week's delivered ÷ (sent + failed); null when nothing was sent
       * @example 0.94
       */
      deliveryRate: number | null;
    };
    InFlightCampaignDto: {
      /**
       * Format: uuid
       * @example 7d4b2c1a-0e9f-4b8a-a6c5-3e2d1f0a9b8c
       */
      id: string;
      /** @example Spring sale */
      name: string;
      /**
       * @example sending
       * @enum {string}
       */
      status: 'draft' | 'scheduled' | 'sending' | 'paused' | 'completed' | 'cancelled' | 'failed';
      /**
       * Format: date-time
       * @example 2026-12-07T09:00:00.000Z
       */
      startedAt: string | null;
      stats: components['schemas']['CampaignStatsDto'];
      /**
       * @description The share of the audience settled
       * @example 0.42
       */
      progress: number;
    };
    DashboardDto: {
      /**
       * Format: date-time
       * @example 2026-12-07T14:03:12.000Z
       */
      generatedAt: string;
      /** @description Messages created today (UTC), by what became of them */
      today: components['schemas']['MessageTotalsDto'];
      /** @description Messages created in the last seven UTC days, today included */
      week: components['schemas']['MessageTotalsDto'];
      /** @description The same seven days one by one, oldest first */
      days: components['schemas']['DayFiguresDto'][];
      /** @description Every channel, by name */
      channels: components['schemas']['ChannelFiguresDto'][];
      /** @description Sending and paused campaigns, most recently started first (at most 10) */
      campaignsInFlight: components['schemas']['InFlightCampaignDto'][];
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type LiveDto = components['schemas']['LiveDto'];
export type ReadyDto = components['schemas']['ReadyDto'];
export type FieldErrorDto = components['schemas']['FieldErrorDto'];
export type ErrorBodyDto = components['schemas']['ErrorBodyDto'];
export type CreateUserDto = components['schemas']['CreateUserDto'];
export type UserDto = components['schemas']['UserDto'];
export type UserPageDto = components['schemas']['UserPageDto'];
export type UpdateUserDto = components['schemas']['UpdateUserDto'];
export type LoginDto = components['schemas']['LoginDto'];
export type TokenPairDto = components['schemas']['TokenPairDto'];
export type RefreshTokenDto = components['schemas']['RefreshTokenDto'];
export type MeDto = components['schemas']['MeDto'];
export type CreateApiKeyDto = components['schemas']['CreateApiKeyDto'];
export type CreatedApiKeyDto = components['schemas']['CreatedApiKeyDto'];
export type ApiKeyDto = components['schemas']['ApiKeyDto'];
export type ApiKeyPageDto = components['schemas']['ApiKeyPageDto'];
export type SinchSmsConfigViewDto = components['schemas']['SinchSmsConfigViewDto'];
export type CallbackWebhookUrlsDto = components['schemas']['CallbackWebhookUrlsDto'];
export type SinchSmsChannelDto = components['schemas']['SinchSmsChannelDto'];
export type SinchConversationConfigViewDto = components['schemas']['SinchConversationConfigViewDto'];
export type SinchConversationChannelDto = components['schemas']['SinchConversationChannelDto'];
export type PlivoConfigViewDto = components['schemas']['PlivoConfigViewDto'];
export type PlivoWebhookUrlsDto = components['schemas']['PlivoWebhookUrlsDto'];
export type PlivoChannelDto = components['schemas']['PlivoChannelDto'];
export type SandboxConfigViewDto = components['schemas']['SandboxConfigViewDto'];
export type SandboxChannelDto = components['schemas']['SandboxChannelDto'];
export type SinchSmsConfigDto = components['schemas']['SinchSmsConfigDto'];
export type CreateSinchSmsChannelDto = components['schemas']['CreateSinchSmsChannelDto'];
export type SinchConversationConfigDto = components['schemas']['SinchConversationConfigDto'];
export type CreateSinchConversationChannelDto = components['schemas']['CreateSinchConversationChannelDto'];
export type PlivoConfigDto = components['schemas']['PlivoConfigDto'];
export type CreatePlivoChannelDto = components['schemas']['CreatePlivoChannelDto'];
export type SandboxConfigDto = components['schemas']['SandboxConfigDto'];
export type CreateSandboxChannelDto = components['schemas']['CreateSandboxChannelDto'];
export type ChannelPageDto = components['schemas']['ChannelPageDto'];
export type UpdateChannelDto = components['schemas']['UpdateChannelDto'];
export type SimulateInboundDto = components['schemas']['SimulateInboundDto'];
export type SimulatedInboundDto = components['schemas']['SimulatedInboundDto'];
export type VerifyResultDto = components['schemas']['VerifyResultDto'];
export type CreateContactDto = components['schemas']['CreateContactDto'];
export type ContactDto = components['schemas']['ContactDto'];
export type ContactPageDto = components['schemas']['ContactPageDto'];
export type ImportRejectionDto = components['schemas']['ImportRejectionDto'];
export type ImportResultDto = components['schemas']['ImportResultDto'];
export type UpdateContactDto = components['schemas']['UpdateContactDto'];
export type ConsentEventDto = components['schemas']['ConsentEventDto'];
export type CreateAutoReplyDto = components['schemas']['CreateAutoReplyDto'];
export type AutoReplyDto = components['schemas']['AutoReplyDto'];
export type AutoReplyPageDto = components['schemas']['AutoReplyPageDto'];
export type UpdateAutoReplyDto = components['schemas']['UpdateAutoReplyDto'];
export type CreateCannedResponseDto = components['schemas']['CreateCannedResponseDto'];
export type CannedResponseDto = components['schemas']['CannedResponseDto'];
export type CannedResponsePageDto = components['schemas']['CannedResponsePageDto'];
export type UpdateCannedResponseDto = components['schemas']['UpdateCannedResponseDto'];
export type TemplateDto = components['schemas']['TemplateDto'];
export type MediaDto = components['schemas']['MediaDto'];
export type SendMessageDto = components['schemas']['SendMessageDto'];
export type SendMessageResultDto = components['schemas']['SendMessageResultDto'];
export type MessageContentDto = components['schemas']['MessageContentDto'];
export type MessageDto = components['schemas']['MessageDto'];
export type ConversationContactDto = components['schemas']['ConversationContactDto'];
export type ConversationDto = components['schemas']['ConversationDto'];
export type ConversationPageDto = components['schemas']['ConversationPageDto'];
export type MessagePageDto = components['schemas']['MessagePageDto'];
export type ReplyDto = components['schemas']['ReplyDto'];
export type UpdateConversationDto = components['schemas']['UpdateConversationDto'];
export type CreateNoteDto = components['schemas']['CreateNoteDto'];
export type NoteDto = components['schemas']['NoteDto'];
export type NotePageDto = components['schemas']['NotePageDto'];
export type WebhookAcceptedDto = components['schemas']['WebhookAcceptedDto'];
export type CampaignMessageDto = components['schemas']['CampaignMessageDto'];
export type CampaignAudienceDto = components['schemas']['CampaignAudienceDto'];
export type SendWindowDto = components['schemas']['SendWindowDto'];
export type FrequencyCapDto = components['schemas']['FrequencyCapDto'];
export type CreateCampaignDto = components['schemas']['CreateCampaignDto'];
export type CampaignMessageViewDto = components['schemas']['CampaignMessageViewDto'];
export type CampaignStatsDto = components['schemas']['CampaignStatsDto'];
export type CampaignDto = components['schemas']['CampaignDto'];
export type AudienceSizeRequestDto = components['schemas']['AudienceSizeRequestDto'];
export type AudienceSizeDto = components['schemas']['AudienceSizeDto'];
export type CampaignPageDto = components['schemas']['CampaignPageDto'];
export type SegmentRangeDto = components['schemas']['SegmentRangeDto'];
export type CampaignPreviewDto = components['schemas']['CampaignPreviewDto'];
export type CampaignMessagePageDto = components['schemas']['CampaignMessagePageDto'];
export type ScheduleCampaignDto = components['schemas']['ScheduleCampaignDto'];
export type CreateWebhookEndpointDto = components['schemas']['CreateWebhookEndpointDto'];
export type CreatedWebhookEndpointDto = components['schemas']['CreatedWebhookEndpointDto'];
export type WebhookEndpointDto = components['schemas']['WebhookEndpointDto'];
export type WebhookEndpointPageDto = components['schemas']['WebhookEndpointPageDto'];
export type UpdateWebhookEndpointDto = components['schemas']['UpdateWebhookEndpointDto'];
export type WebhookDeliveryDto = components['schemas']['WebhookDeliveryDto'];
export type WebhookDeliveryPageDto = components['schemas']['WebhookDeliveryPageDto'];
export type MessageTotalsDto = components['schemas']['MessageTotalsDto'];
export type DayFiguresDto = components['schemas']['DayFiguresDto'];
export type ChannelFiguresDto = components['schemas']['ChannelFiguresDto'];
export type InFlightCampaignDto = components['schemas']['InFlightCampaignDto'];
export type DashboardDto = components['schemas']['DashboardDto'];
export type $defs = Record<string, never>;
export interface operations {
  HealthController_live: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['LiveDto'];
        };
      };
    };
  };
  HealthController_ready: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ReadyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  HealthController_render: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Prometheus text format */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/plain': string;
        };
      };
    };
  };
  UsersController_list: {
    parameters: {
      query?: {
        limit?: number;
        /** @description The `nextCursor` of the previous page */
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserPageDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /**
       * @description Signed in, but the role does not allow this
       *
       *     Signed in, but the role does not allow this
       */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  UsersController_create: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateUserDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /**
       * @description Signed in, but the role does not allow this
       *
       *     Signed in, but the role does not allow this
       */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description The body is not JSON: send Content-Type: application/json */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  UsersController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /**
       * @description Signed in, but the role does not allow this
       *
       *     Signed in, but the role does not allow this
       */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  UsersController_update: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateUserDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /**
       * @description Signed in, but the role does not allow this
       *
       *     Signed in, but the role does not allow this
       */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description The body is not JSON: send Content-Type: application/json */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  AuthController_login: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['LoginDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TokenPairDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description The body is not JSON: send Content-Type: application/json */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Too many attempts; retry later */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  AuthController_refresh: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RefreshTokenDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TokenPairDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description The body is not JSON: send Content-Type: application/json */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  AuthController_logout: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RefreshTokenDto'];
      };
    };
    responses: {
      /** @description Logged out */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description The body is not JSON: send Content-Type: application/json */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  AuthController_me: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MeDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ApiKeysController_list: {
    parameters: {
      query?: {
        limit?: number;
        /** @description The `nextCursor` of the previous page */
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApiKeyPageDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /**
       * @description Signed in, but the role does not allow this
       *
       *     Signed in, but the role does not allow this
       */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ApiKeysController_create: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateApiKeyDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CreatedApiKeyDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /**
       * @description Signed in, but the role does not allow this
       *
       *     Signed in, but the role does not allow this
       */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description The body is not JSON: send Content-Type: application/json */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ApiKeysController_revoke: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Revoked */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /**
       * @description Signed in, but the role does not allow this
       *
       *     Signed in, but the role does not allow this
       */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ChannelsController_list: {
    parameters: {
      query?: {
        limit?: number;
        /** @description The `nextCursor` of the previous page */
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ChannelPageDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ChannelsController_create: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json':
          | components['schemas']['CreateSinchSmsChannelDto']
          | components['schemas']['CreateSinchConversationChannelDto']
          | components['schemas']['CreatePlivoChannelDto']
          | components['schemas']['CreateSandboxChannelDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json':
            | components['schemas']['SinchSmsChannelDto']
            | components['schemas']['SinchConversationChannelDto']
            | components['schemas']['PlivoChannelDto']
            | components['schemas']['SandboxChannelDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Signed in, but the role does not allow this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description The body is not JSON: send Content-Type: application/json */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ChannelsController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json':
            | components['schemas']['SinchSmsChannelDto']
            | components['schemas']['SinchConversationChannelDto']
            | components['schemas']['PlivoChannelDto']
            | components['schemas']['SandboxChannelDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ChannelsController_disable: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Disabled */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /**
       * @description Signed in, but the role does not allow this
       *
       *     Signed in, but the role does not allow this
       */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ChannelsController_update: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateChannelDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json':
            | components['schemas']['SinchSmsChannelDto']
            | components['schemas']['SinchConversationChannelDto']
            | components['schemas']['PlivoChannelDto']
            | components['schemas']['SandboxChannelDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Signed in, but the role does not allow this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description The body is not JSON: send Content-Type: application/json */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ChannelsController_simulateInbound: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['SimulateInboundDto'];
      };
    };
    responses: {
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SimulatedInboundDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /**
       * @description Signed in, but the role does not allow this
       *
       *     Signed in, but the role does not allow this
       */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description The body is not JSON: send Content-Type: application/json */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Valid input that cannot be processed now */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ChannelsController_verify: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['VerifyResultDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /**
       * @description Signed in, but the role does not allow this
       *
       *     Signed in, but the role does not allow this
       */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ContactsController_list: {
    parameters: {
      query?: {
        limit?: number;
        /** @description The `nextCursor` of the previous page */
        cursor?: string;
        /** @description Part of a name, first or last name (case-insensitive), or of the phone number: `+49151` matches numbers starting so, other digits match anywhere */
        search?: string;
        /** @description Only contacts carrying this tag (exact match) */
        tag?: string;
        /** @description Only opted-out (`true`) or reachable (`false`) contacts */
        optedOut?: boolean;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ContactPageDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ContactsController_create: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateContactDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ContactDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description The body is not JSON: send Content-Type: application/json */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ContactsController_importCsv: {
    parameters: {
      query?: {
        /** @description ISO 3166-1 alpha-2 country used for numbers written without a country code */
        defaultCountry?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'multipart/form-data': {
          /**
           * Format: binary
           * @description CSV, UTF-8, header row first
           */
          file: string;
        };
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ImportResultDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description File larger than 200 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ContactsController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ContactDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ContactsController_erase: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Erased */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ContactsController_update: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateContactDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ContactDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description The body is not JSON: send Content-Type: application/json */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ContactsController_optOut: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ContactDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ContactsController_optIn: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ContactDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ConsentController_history: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ConsentEventDto'][];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ConsentController_export: {
    parameters: {
      query?: {
        /** @description Events at or after */
        from?: string;
        /** @description Events before */
        to?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description CSV with a header row */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/csv': string;
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Signed in, but the role does not allow this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  AutoRepliesController_list: {
    parameters: {
      query?: {
        limit?: number;
        /** @description The `nextCursor` of the previous page */
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AutoReplyPageDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  AutoRepliesController_create: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateAutoReplyDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AutoReplyDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /**
       * @description Signed in, but the role does not allow this
       *
       *     Signed in, but the role does not allow this
       */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description The body is not JSON: send Content-Type: application/json */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  AutoRepliesController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AutoReplyDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  AutoRepliesController_remove: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Deleted */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /**
       * @description Signed in, but the role does not allow this
       *
       *     Signed in, but the role does not allow this
       */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  AutoRepliesController_update: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateAutoReplyDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AutoReplyDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /**
       * @description Signed in, but the role does not allow this
       *
       *     Signed in, but the role does not allow this
       */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description The body is not JSON: send Content-Type: application/json */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  CannedResponsesController_list: {
    parameters: {
      query?: {
        limit?: number;
        /** @description The `nextCursor` of the previous page */
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CannedResponsePageDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  CannedResponsesController_create: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateCannedResponseDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CannedResponseDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Signed in, but the role does not allow this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description The body is not JSON: send Content-Type: application/json */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  CannedResponsesController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CannedResponseDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  CannedResponsesController_remove: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Deleted */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Signed in, but the role does not allow this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  CannedResponsesController_update: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateCannedResponseDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CannedResponseDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Signed in, but the role does not allow this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description The body is not JSON: send Content-Type: application/json */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  MessagesController_send: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['SendMessageDto'];
      };
    };
    responses: {
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SendMessageResultDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Signed in, but the role does not allow this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description The body is not JSON: send Content-Type: application/json */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Valid input that cannot be processed now */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  MessagesController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MessageDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ConversationsController_events: {
    parameters: {
      query?: {
        /** @description Access token, for clients that cannot set headers */
        access_token?: unknown;
        /** @description Same as the `Last-Event-ID` header, for clients that cannot set it */
        lastEventId?: string;
      };
      header?: {
        /** @description The `id` of the last event received; browsers send it when they reconnect by themselves */
        'Last-Event-ID'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description An event stream */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/event-stream': string;
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ConversationsController_list: {
    parameters: {
      query?: {
        limit?: number;
        /** @description The `nextCursor` of the previous page */
        cursor?: string;
        status?: 'open' | 'snoozed' | 'closed' | 'archived';
        channelId?: string;
        /** @description Part of the contact's name or number */
        search?: string;
        /** @description A user's id, `me` (the caller's) or `none` (unassigned) */
        assigneeId?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ConversationPageDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ConversationsController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ConversationDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ConversationsController_update: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateConversationDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ConversationDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Signed in, but the role does not allow this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description The body is not JSON: send Content-Type: application/json */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ConversationsController_thread: {
    parameters: {
      query?: {
        limit?: number;
        /** @description The `nextCursor` of the previous page */
        cursor?: string;
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MessagePageDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ConversationsController_reply: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ReplyDto'];
      };
    };
    responses: {
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SendMessageResultDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Signed in, but the role does not allow this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description The body is not JSON: send Content-Type: application/json */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Valid input that cannot be processed now */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ConversationsController_markRead: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Marked read */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ConversationNotesController_list: {
    parameters: {
      query?: {
        limit?: number;
        /** @description The `nextCursor` of the previous page */
        cursor?: string;
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['NotePageDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  ConversationNotesController_create: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateNoteDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['NoteDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description The body is not JSON: send Content-Type: application/json */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  WebhooksController_sinchSms: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The channel's unguessable callback token, from its `webhookUrls` */
        token: unknown;
        channelId: unknown;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          [key: string]: unknown;
        };
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookAcceptedDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  WebhooksController_sinchConversation: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        channelId: unknown;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          [key: string]: unknown;
        };
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookAcceptedDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  WebhooksController_plivoStatus: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        channelId: unknown;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/x-www-form-urlencoded': {
          [key: string]: string;
        };
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookAcceptedDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  WebhooksController_plivoInbound: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        channelId: unknown;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/x-www-form-urlencoded': {
          [key: string]: string;
        };
      };
    };
    responses: {
      /** @description Plivo XML */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/xml': string;
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  WebhooksController_sandbox: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        channelId: unknown;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          [key: string]: unknown;
        };
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookAcceptedDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  CampaignsController_list: {
    parameters: {
      query?: {
        limit?: number;
        /** @description The `nextCursor` of the previous page */
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CampaignPageDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  CampaignsController_create: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateCampaignDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CampaignDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Signed in, but the role does not allow this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description The body is not JSON: send Content-Type: application/json */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Valid input that cannot be processed now */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  CampaignsController_audienceSize: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['AudienceSizeRequestDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AudienceSizeDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Signed in, but the role does not allow this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description The body is not JSON: send Content-Type: application/json */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  CampaignsController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CampaignDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  CampaignsController_preview: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CampaignPreviewDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  CampaignsController_messages: {
    parameters: {
      query?: {
        limit?: number;
        /** @description The `nextCursor` of the previous page */
        cursor?: string;
        status?:
          'queued' | 'held' | 'skipped' | 'sent' | 'delivered' | 'read' | 'failed' | 'rejected' | 'received';
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CampaignMessagePageDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  CampaignsController_schedule: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ScheduleCampaignDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CampaignDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Signed in, but the role does not allow this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description The body is not JSON: send Content-Type: application/json */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Valid input that cannot be processed now */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  CampaignsController_pause: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CampaignDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Signed in, but the role does not allow this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  CampaignsController_resume: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CampaignDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Signed in, but the role does not allow this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  CampaignsController_cancel: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CampaignDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Signed in, but the role does not allow this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  WebhookEndpointsController_list: {
    parameters: {
      query?: {
        limit?: number;
        /** @description The `nextCursor` of the previous page */
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookEndpointPageDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /**
       * @description Signed in, but the role does not allow this
       *
       *     Signed in, but the role does not allow this
       */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  WebhookEndpointsController_create: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateWebhookEndpointDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CreatedWebhookEndpointDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /**
       * @description Signed in, but the role does not allow this
       *
       *     Signed in, but the role does not allow this
       */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description The body is not JSON: send Content-Type: application/json */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  WebhookEndpointsController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookEndpointDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /**
       * @description Signed in, but the role does not allow this
       *
       *     Signed in, but the role does not allow this
       */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  WebhookEndpointsController_delete: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Deleted */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /**
       * @description Signed in, but the role does not allow this
       *
       *     Signed in, but the role does not allow this
       */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  WebhookEndpointsController_update: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateWebhookEndpointDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookEndpointDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /**
       * @description Signed in, but the role does not allow this
       *
       *     Signed in, but the role does not allow this
       */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Body larger than 1 MiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description The body is not JSON: send Content-Type: application/json */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  WebhookEndpointsController_deliveries: {
    parameters: {
      query?: {
        limit?: number;
        /** @description The `nextCursor` of the previous page */
        cursor?: string;
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookDeliveryPageDto'];
        };
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /**
       * @description Signed in, but the role does not allow this
       *
       *     Signed in, but the role does not allow this
       */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  WebhookEndpointsController_retry: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
        deliveryId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The delivery is due at once */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Invalid input; `details` names each bad field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /**
       * @description Signed in, but the role does not allow this
       *
       *     Signed in, but the role does not allow this
       */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description No such resource */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
  DashboardController_get: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DashboardDto'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description Signed in, but the role does not allow this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
      /** @description A dependency (the database) is unavailable; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBodyDto'];
        };
      };
    };
  };
}
type FlattenedDeepRequired<T> = {
  [K in keyof T]-?: FlattenedDeepRequired<
    T[K] extends unknown[] | undefined | null ? Extract<T[K], unknown[]>[number] : T[K]
  >;
};
type ReadonlyArray<T> = [Exclude<T, undefined>] extends [unknown[]]
  ? Readonly<Exclude<T, undefined>>
  : Readonly<Exclude<T, undefined>[]>;
export const pathsApiV1ConversationsGetParametersQueryStatusValues: ReadonlyArray<
  FlattenedDeepRequired<paths>['/api/v1/conversations']['get']['parameters']['query']['status']
> = ['open', 'snoozed', 'closed', 'archived'];
export const pathsApiV1CampaignsIdMessagesGetParametersQueryStatusValues: ReadonlyArray<
  FlattenedDeepRequired<paths>['/api/v1/campaigns/{id}/messages']['get']['parameters']['query']['status']
> = ['queued', 'held', 'skipped', 'sent', 'delivered', 'read', 'failed', 'rejected', 'received'];
export const createUserDtoRoleValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['CreateUserDto']['role']
> = ['admin', 'agent'];
export const userDtoRoleValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['UserDto']['role']
> = ['admin', 'agent'];
export const updateUserDtoRoleValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['UpdateUserDto']['role']
> = ['admin', 'agent'];
export const tokenPairDtoTokenTypeValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['TokenPairDto']['tokenType']
> = ['Bearer'];
export const meDtoRoleValues: ReadonlyArray<FlattenedDeepRequired<components>['schemas']['MeDto']['role']> = [
  'admin',
  'agent',
];
export const createApiKeyDtoRoleValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['CreateApiKeyDto']['role']
> = ['admin', 'agent'];
export const createdApiKeyDtoRoleValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['CreatedApiKeyDto']['role']
> = ['admin', 'agent'];
export const apiKeyDtoRoleValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['ApiKeyDto']['role']
> = ['admin', 'agent'];
export const sinchSmsConfigViewDtoRegionValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['SinchSmsConfigViewDto']['region']
> = ['us', 'eu', 'au', 'br', 'ca'];
export const sinchSmsChannelDtoProviderValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['SinchSmsChannelDto']['provider']
> = ['sinch-sms'];
export const sinchConversationConfigViewDtoRegionValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['SinchConversationConfigViewDto']['region']
> = ['us', 'eu', 'br'];
export const sinchConversationConfigViewDtoChannelValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['SinchConversationConfigViewDto']['channel']
> = [
  'WHATSAPP',
  'SMS',
  'RCS',
  'MMS',
  'VIBERBM',
  'MESSENGER',
  'INSTAGRAM',
  'TELEGRAM',
  'KAKAOTALK',
  'LINE',
  'WECHAT',
];
export const sinchConversationConfigViewDtoChannelPriorityOrderValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['SinchConversationConfigViewDto']['channelPriorityOrder']
> = [
  'WHATSAPP',
  'SMS',
  'RCS',
  'MMS',
  'VIBERBM',
  'MESSENGER',
  'INSTAGRAM',
  'TELEGRAM',
  'KAKAOTALK',
  'LINE',
  'WECHAT',
];
export const sinchConversationChannelDtoProviderValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['SinchConversationChannelDto']['provider']
> = ['sinch-conversation'];
export const plivoChannelDtoProviderValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['PlivoChannelDto']['provider']
> = ['plivo'];
export const sandboxChannelDtoProviderValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['SandboxChannelDto']['provider']
> = ['sandbox'];
export const sinchSmsConfigDtoRegionValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['SinchSmsConfigDto']['region']
> = ['us', 'eu', 'au', 'br', 'ca'];
export const createSinchSmsChannelDtoProviderValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['CreateSinchSmsChannelDto']['provider']
> = ['sinch-sms'];
export const sinchConversationConfigDtoRegionValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['SinchConversationConfigDto']['region']
> = ['us', 'eu', 'br'];
export const sinchConversationConfigDtoChannelValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['SinchConversationConfigDto']['channel']
> = [
  'WHATSAPP',
  'SMS',
  'RCS',
  'MMS',
  'VIBERBM',
  'MESSENGER',
  'INSTAGRAM',
  'TELEGRAM',
  'KAKAOTALK',
  'LINE',
  'WECHAT',
];
export const sinchConversationConfigDtoChannelPriorityOrderValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['SinchConversationConfigDto']['channelPriorityOrder']
> = [
  'WHATSAPP',
  'SMS',
  'RCS',
  'MMS',
  'VIBERBM',
  'MESSENGER',
  'INSTAGRAM',
  'TELEGRAM',
  'KAKAOTALK',
  'LINE',
  'WECHAT',
];
export const createSinchConversationChannelDtoProviderValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['CreateSinchConversationChannelDto']['provider']
> = ['sinch-conversation'];
export const createPlivoChannelDtoProviderValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['CreatePlivoChannelDto']['provider']
> = ['plivo'];
export const createSandboxChannelDtoProviderValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['CreateSandboxChannelDto']['provider']
> = ['sandbox'];
export const contactDtoTimeZoneSourceValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['ContactDto']['timeZoneSource']
> = ['contact', 'phone'];
export const consentEventDtoActionValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['ConsentEventDto']['action']
> = ['opt_out', 'opt_in'];
export const consentEventDtoSourceValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['ConsentEventDto']['source']
> = ['keyword', 'api', 'import', 'provider'];
export const createAutoReplyDtoMatchValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['CreateAutoReplyDto']['match']
> = ['exact', 'startsWith', 'contains'];
export const createAutoReplyDtoActionValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['CreateAutoReplyDto']['action']
> = ['none', 'opt_out', 'opt_in'];
export const autoReplyDtoBuiltinValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['AutoReplyDto']['builtin']
> = ['opt_out', 'opt_in', 'help'];
export const autoReplyDtoMatchValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['AutoReplyDto']['match']
> = ['exact', 'startsWith', 'contains'];
export const autoReplyDtoActionValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['AutoReplyDto']['action']
> = ['none', 'opt_out', 'opt_in'];
export const updateAutoReplyDtoMatchValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['UpdateAutoReplyDto']['match']
> = ['exact', 'startsWith', 'contains'];
export const updateAutoReplyDtoActionValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['UpdateAutoReplyDto']['action']
> = ['none', 'opt_out', 'opt_in'];
export const sendMessageResultDtoStatusValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['SendMessageResultDto']['status']
> = ['queued', 'held', 'skipped', 'sent', 'delivered', 'read', 'failed', 'rejected', 'received'];
export const messageContentDtoKindValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['MessageContentDto']['kind']
> = ['text', 'template', 'media'];
export const messageDtoDirectionValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['MessageDto']['direction']
> = ['inbound', 'outbound'];
export const messageDtoStatusValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['MessageDto']['status']
> = ['queued', 'held', 'skipped', 'sent', 'delivered', 'read', 'failed', 'rejected', 'received'];
export const conversationDtoStatusValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['ConversationDto']['status']
> = ['open', 'snoozed', 'closed', 'archived'];
export const updateConversationDtoStatusValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['UpdateConversationDto']['status']
> = ['open', 'snoozed', 'closed', 'archived'];
export const sendWindowDtoDaysValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['SendWindowDto']['days']
> = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
export const sendWindowDtoUnknownTimeZoneValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['SendWindowDto']['unknownTimeZone']
> = ['hold', 'send'];
export const campaignMessageViewDtoKindValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['CampaignMessageViewDto']['kind']
> = ['text', 'template'];
export const campaignDtoStatusValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['CampaignDto']['status']
> = ['draft', 'scheduled', 'sending', 'paused', 'completed', 'cancelled', 'failed'];
export const campaignPreviewDtoEncodingValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['CampaignPreviewDto']['encoding']
> = ['GSM-7', 'UCS-2'];
export const createWebhookEndpointDtoEventsValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['CreateWebhookEndpointDto']['events']
> = [
  '*',
  'message.received',
  'message.status',
  'contact.opted_out',
  'contact.opted_in',
  'campaign.status',
  'conversation.assigned',
];
export const createdWebhookEndpointDtoEventsValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['CreatedWebhookEndpointDto']['events']
> = [
  '*',
  'message.received',
  'message.status',
  'contact.opted_out',
  'contact.opted_in',
  'campaign.status',
  'conversation.assigned',
];
export const webhookEndpointDtoEventsValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['WebhookEndpointDto']['events']
> = [
  '*',
  'message.received',
  'message.status',
  'contact.opted_out',
  'contact.opted_in',
  'campaign.status',
  'conversation.assigned',
];
export const updateWebhookEndpointDtoEventsValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['UpdateWebhookEndpointDto']['events']
> = [
  '*',
  'message.received',
  'message.status',
  'contact.opted_out',
  'contact.opted_in',
  'campaign.status',
  'conversation.assigned',
];
export const webhookDeliveryDtoStatusValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['WebhookDeliveryDto']['status']
> = ['succeeded', 'failed', 'pending'];
export const inFlightCampaignDtoStatusValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['InFlightCampaignDto']['status']
> = ['draft', 'scheduled', 'sending', 'paused', 'completed', 'cancelled', 'failed'];
