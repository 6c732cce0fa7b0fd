import { ConflictError } from '../common/errors/domain-error.js';

export class DuplicateEmailError extends ConflictError {
  constructor(email: string) {
    super(`A user with email ${email} already exists`);
  }
}

export class LastAdminError extends ConflictError {
  constructor() {
    super('The last active admin cannot be demoted or disabled');
  }
}
