import { ForbiddenError, UnprocessableError } from '../common/errors/domain-error.js';

/** The rules of sending to a contact, told apart by type; the filter maps each by its category. */

export class ContactOptedOutError extends ForbiddenError {
  constructor() {
    super('The contact has opted out of messages');
  }
}

export class WhatsAppWindowClosedError extends UnprocessableError {
  constructor() {
    super(
      'Free-form WhatsApp messages are only allowed within 24 hours of the customer’s last message; send a template instead',
    );
  }
}

export class NoPhoneNumberError extends UnprocessableError {
  constructor() {
    super('This contact has no phone number to reply to');
  }
}

export class EmptyCannedResponseError extends UnprocessableError {
  constructor() {
    super('The canned response is empty for this contact');
  }
}

/** An agent may take or drop a conversation for themselves only; other assignments are an admin's. */
export class AssignmentForbiddenError extends ForbiddenError {}
