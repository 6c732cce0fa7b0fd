import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { Contact } from './contact.entity.js';
import { ContactsController } from './contacts.controller.js';
import { ContactsService } from './contacts.service.js';
import { ContactImportWriter } from './import/contact-import.writer.js';
import { ContactsImportService } from './import/contacts-import.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Contact])],
  controllers: [ContactsController],
  providers: [ContactsService, ContactsImportService, ContactImportWriter],
  exports: [ContactsService],
})
export class ContactsModule {}
