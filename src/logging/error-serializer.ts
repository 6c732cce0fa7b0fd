import { QueryFailedError } from 'typeorm';

/** A long run of digits may be a phone number: keep only its ends. */
export const maskDigitRuns = (value: string) =>
  value.replace(/\d{7,}/g, (digits) => `${digits.slice(0, 2)}***${digits.slice(-2)}`);

/**
 * pino's serializer for `err`, wherever it is logged (HTTP filter, jobs, queues): the error's type,
 * message, code (a driver's SQLSTATE included) and stack, with digit runs that may be phone numbers
 * masked, since provider and database messages quote the numbers they refused. Anything else thrown
 * is logged as its string.
 */
export function serializeError(error: unknown): Record<string, unknown> {
  if (typeof error !== 'object' || error === null) return { message: maskDigitRuns(String(error)) };
  const { name, message, stack } = error as { name?: unknown; message?: unknown; stack?: unknown };
  const code = (
    error instanceof QueryFailedError
      ? (error.driverError as { code?: unknown })
      : (error as { code?: unknown })
  ).code;
  const masked = (value: unknown) => (typeof value === 'string' ? maskDigitRuns(value) : value);
  return { type: name, message: masked(message), code, stack: masked(stack) };
}
