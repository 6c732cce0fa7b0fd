import { isEmail } from 'class-validator';

import { type FieldError, ValidationError } from '../errors/domain-error.js';

/**
 * The one set of rules for a user's e-mail and password, applied wherever a user is made: the
 * API's DTOs, `ADMIN_EMAIL`/`ADMIN_PASSWORD` at start-up and the CLI's `create-admin`.
 */
export const EMAIL_MAX_LENGTH = 254;
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

export function emailProblem(email: string): string | undefined {
  if (email.length > EMAIL_MAX_LENGTH) return `must be at most ${EMAIL_MAX_LENGTH} characters`;
  return isEmail(email) ? undefined : 'must be an email address';
}

export function passwordProblem(password: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  return undefined;
}

/** Throws a 400-style ValidationError naming each field that breaks a rule. */
export function assertUserRules(input: { email?: string; password?: string }): void {
  const details: FieldError[] = [];
  const email = input.email === undefined ? undefined : emailProblem(input.email);
  if (email) details.push({ field: 'email', messages: [email] });
  const password = input.password === undefined ? undefined : passwordProblem(input.password);
  if (password) details.push({ field: 'password', messages: [password] });
  if (details.length > 0) {
    throw new ValidationError(
      details.map((detail) => `${detail.field} ${detail.messages[0]}`).join('; '),
      details,
    );
  }
}
