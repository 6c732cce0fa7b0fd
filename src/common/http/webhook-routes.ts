/** Where providers post their callbacks: routes for servers, not people, which skip browser-only work. */
const WEBHOOKS_PATH_PREFIX = '/api/v1/webhooks/';

export function isWebhookPath(url: string | undefined): boolean {
  return url?.startsWith(WEBHOOKS_PATH_PREFIX) ?? false;
}
