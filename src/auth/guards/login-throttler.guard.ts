import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

/**
 * Throttles login attempts by client IP and, separately, by the email tried (see the throttlers
 * configured in AuthModule), so neither one address nor a spread of addresses can guess a password.
 */
@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {}

export function loginEmailTracker(request: Record<string, unknown>): string {
  const body = request.body as { email?: unknown } | undefined;
  return typeof body?.email === 'string' ? body.email.trim().toLowerCase() : '(none)';
}

export function clientIpTracker(request: Record<string, unknown>): string {
  return typeof request.ip === 'string' ? request.ip : 'unknown';
}
