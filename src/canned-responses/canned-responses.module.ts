import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { CannedResponse } from './canned-response.entity.js';
import { CannedResponsesController } from './canned-responses.controller.js';
import { CannedResponsesService } from './canned-responses.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([CannedResponse])],
  controllers: [CannedResponsesController],
  providers: [CannedResponsesService],
  exports: [CannedResponsesService],
})
export class CannedResponsesModule {}
