import { UsersAndRefreshTokens1732350000000 } from './1732350000000-users-and-refresh-tokens.js';
import { Messaging1732360000000 } from './1732360000000-messaging.js';
import { ContactsSearch1732370000000 } from './1732370000000-contacts-search.js';
import { InboxAndAutoReplies1732380000000 } from './1732380000000-inbox-and-auto-replies.js';
import { Campaigns1732390000000 } from './1732390000000-campaigns.js';
import { Integrations1732410000000 } from './1732410000000-integrations.js';
import { TeamInbox1732420000000 } from './1732420000000-team-inbox.js';
import { SharedThrottlingAndRetention1732430000000 } from './1732430000000-shared-throttling-and-retention.js';
import { InboxEventLog1732440000000 } from './1732440000000-inbox-event-log.js';
import { SendBudgets1732450000000 } from './1732450000000-send-budgets.js';
import { Compliance1732460000000 } from './1732460000000-compliance.js';
import { ContactSearchTrigrams1732470000000 } from './1732470000000-contact-search-trigrams.js';
import { CampaignConversationPreviews1732481600000 } from './1732481600000-campaign-conversation-previews.js';
import { DashboardRollup1732490000000 } from './1732490000000-dashboard-rollup.js';
import { LeanCampaignWrites1732500000000 } from './1732500000000-lean-campaign-writes.js';
import { ContactSearchLayout1732510000000 } from './1732510000000-contact-search-layout.js';
import { AscendingRecencyIndexes1732520000000 } from './1732520000000-ascending-recency-indexes.js';
import { CampaignStatusCounts1732530000000 } from './1732530000000-campaign-status-counts.js';
import { CampaignMessagesNewestFirst1732540000000 } from './1732540000000-campaign-messages-newest-first.js';
import { OptedOutContacts1732550000000 } from './1732550000000-opted-out-contacts.js';
import { InlinableContactSearchName1732560000000 } from './1732560000000-inlinable-contact-search-name.js';

/** Every migration, oldest first. A landed migration is never edited: add a new one. */
export const migrations = [
  UsersAndRefreshTokens1732350000000,
  Messaging1732360000000,
  ContactsSearch1732370000000,
  InboxAndAutoReplies1732380000000,
  Campaigns1732390000000,
  Integrations1732410000000,
  TeamInbox1732420000000,
  SharedThrottlingAndRetention1732430000000,
  InboxEventLog1732440000000,
  SendBudgets1732450000000,
  Compliance1732460000000,
  ContactSearchTrigrams1732470000000,
  CampaignConversationPreviews1732481600000,
  DashboardRollup1732490000000,
  LeanCampaignWrites1732500000000,
  ContactSearchLayout1732510000000,
  AscendingRecencyIndexes1732520000000,
  CampaignStatusCounts1732530000000,
  CampaignMessagesNewestFirst1732540000000,
  OptedOutContacts1732550000000,
  InlinableContactSearchName1732560000000,
];
