import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { ConsentController } from './consent/consent.controller.js';
import { ConsentLedgerService } from './consent/consent-ledger.service.js';
import { Contact } from './contact.entity.js';
import { ContactsController } from './contacts.controller.js';
import { ContactsRepository } from './contacts.repository.js';
import { ContactsService } from './contacts.service.js';
import { ContactImportWriter } from './import/contact-import.writer.js';
import { ContactsImportService } from './import/contacts-import.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Contact])],
  controllers: [ContactsController, ConsentController],
  providers: [
    ContactsService,
    ContactsRepository,
    ContactsImportService,
    ContactImportWriter,
    ConsentLedgerService,
  ],
  exports: [ContactsService],
})
export class ContactsModule {}
