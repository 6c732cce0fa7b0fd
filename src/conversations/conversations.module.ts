import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChannelsModule } from '../channels/channels.module.js';
import { ContactsModule } from '../contacts/contacts.module.js';
import { AutoRepliesModule } from '../auto-replies/auto-replies.module.js';
import { CannedResponsesModule } from '../canned-responses/canned-responses.module.js';
import { UsersModule } from '../users/users.module.js';
import { CampaignMessagesRepository } from './campaign-messages.repository.js';
import { ConversationWorkflowService } from './conversation-workflow.service.js';
import { ConversationNote } from './notes/conversation-note.entity.js';
import { ConversationNotesController } from './notes/conversation-notes.controller.js';
import { ConversationNotesService } from './notes/conversation-notes.service.js';
import { SnoozeWakeJob } from './snooze-wake.job.js';
import { ConversationsController } from './conversations.controller.js';
import { InboxEventFeed } from './inbox-event-feed.js';
import { InboxEventLog } from './inbox-event-log.js';
import { InboxEvents } from './inbox-events.js';
import { InboxEventsRetentionJob } from './inbox-events-retention.job.js';
import { InboxStream } from './inbox-stream.js';
import { InboundPipeline } from './inbound-pipeline.service.js';
import { Conversation } from './conversation.entity.js';
import { ConversationsRepository } from './conversations.repository.js';
import { ConversationsService } from './conversations.service.js';
import { DeliveryStatusService } from './delivery-status.service.js';
import { InboundMessagesService } from './inbound-messages.service.js';
import { Message } from './message.entity.js';
import { MessagesController } from './messages.controller.js';
import { MessagesRepository } from './messages.repository.js';
import { MessagesService } from './messages.service.js';
import { OutboundRetryJob } from './outbound-retry.job.js';
import { OutboundSender } from './outbound-sender.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([Conversation, Message, ConversationNote]),
    ChannelsModule,
    ContactsModule,
    AutoRepliesModule,
    CannedResponsesModule,
    UsersModule,
  ],
  controllers: [MessagesController, ConversationsController, ConversationNotesController],
  providers: [
    ConversationsRepository,
    MessagesRepository,
    ConversationsService,
    MessagesService,
    OutboundSender,
    OutboundRetryJob,
    DeliveryStatusService,
    InboundMessagesService,
    InboundPipeline,
    InboxEventLog,
    InboxEventFeed,
    InboxEvents,
    InboxEventsRetentionJob,
    InboxStream,
    ConversationWorkflowService,
    ConversationNotesService,
    SnoozeWakeJob,
    CampaignMessagesRepository,
  ],
  exports: [CampaignMessagesRepository, MessagesService, DeliveryStatusService, InboundPipeline, InboxEvents],
})
export class ConversationsModule {}
