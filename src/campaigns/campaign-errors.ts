import { ConflictError, UnprocessableError } from '../common/errors/domain-error.js';

/** A campaign cannot take this step from its state (or another request moved it meanwhile). */
export class CampaignStateError extends ConflictError {}

export class EmptyAudienceError extends UnprocessableError {
  constructor() {
    super(
      "The campaign's audience matches no contacts: import or create contacts, or change the audience, before scheduling it",
    );
  }
}

export class WhatsAppCampaignNeedsTemplateError extends UnprocessableError {
  constructor() {
    super(
      'A WhatsApp campaign needs a template: its recipients are outside the 24-hour customer-service window',
    );
  }
}
