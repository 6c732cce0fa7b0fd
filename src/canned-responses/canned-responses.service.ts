import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';

import { parseCampaignText, renderText, UnknownPlaceholderError } from '../campaigns/campaign-text.js';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors/domain-error.js';
import { newestFirstPage, newestFirstRows, type Page } from '../common/pagination/page.js';
import type { Contact } from '../contacts/contact.entity.js';
import { isUniqueViolation } from '../database/postgres-errors.js';
import { CannedResponse } from './canned-response.entity.js';

export interface CannedResponseInput {
  shortcode?: string;
  text?: string;
}

@Injectable()
export class CannedResponsesService {
  constructor(@InjectRepository(CannedResponse) private readonly responses: Repository<CannedResponse>) {}

  async list(limit: number, cursor?: string): Promise<Page<CannedResponse>> {
    return newestFirstPage(await newestFirstRows(this.responses, limit, cursor), limit, (r) => r);
  }

  async get(id: string): Promise<CannedResponse> {
    const response = await this.responses.findOneBy({ id });
    if (!response) throw new NotFoundError('Canned response', id);
    return response;
  }

  create(input: Required<CannedResponseInput>): Promise<CannedResponse> {
    return this.saveChecked(this.responses.create({ shortcode: input.shortcode, text: input.text }));
  }

  async update(id: string, changes: CannedResponseInput): Promise<CannedResponse> {
    const response = await this.get(id);
    if (changes.shortcode !== undefined) response.shortcode = changes.shortcode;
    if (changes.text !== undefined) response.text = changes.text;
    response.updatedAt = new Date();
    return this.saveChecked(response);
  }

  async remove(id: string): Promise<void> {
    const { affected } = await this.responses.delete({ id });
    if (!affected) throw new NotFoundError('Canned response', id);
  }

  /** The response's text with the campaign placeholders filled for `contact` (a missing value renders empty). */
  async renderFor(id: string, contact: Contact): Promise<string> {
    const response = await this.get(id);
    return renderText(parseCampaignText(response.text), contact);
  }

  private async saveChecked(response: CannedResponse): Promise<CannedResponse> {
    try {
      parseCampaignText(response.text);
    } catch (error) {
      if (error instanceof UnknownPlaceholderError) throw ValidationError.forField('text', error.message);
      throw error;
    }
    try {
      return await this.responses.save(response);
    } catch (error) {
      if (isUniqueViolation(error, 'canned_responses_shortcode_key'))
        throw new ConflictError(
          `A canned response with the shortcode "${response.shortcode}" already exists`,
        );
      throw error;
    }
  }
}
