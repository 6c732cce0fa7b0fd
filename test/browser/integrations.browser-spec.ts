import type { Browser } from 'playwright-core';

import { WebhookReceiver } from '../fakes/webhook-receiver.server.js';
import { waitFor } from '../support/wait-for.js';
import {
  captureScreen,
  documentWidth,
  launchBrowser,
  openConsole,
  PHONE,
  signIn,
} from './support/browser.js';
import { type ConsoleServer, startConsoleServer } from './support/console-server.js';

describe('console: integrations', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let healthy = false;
  const receiver = new WebhookReceiver(() => (healthy ? { status: 200 } : { status: 500, body: 'down' }));

  beforeAll(async () => {
    await receiver.start();
    server = await startConsoleServer({
      WEBHOOK_ENDPOINTS_ALLOW_PRIVATE: 'true',
      WEBHOOK_DELIVERY_INTERVAL_MS: '100',
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await receiver.stop();
  });

  it('creates an API key shown once with a copy button, which works until it is revoked', async () => {
    const { page, context } = await openConsole(browser, server.url);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await signIn(page, '/console/inbox');
    await page.getByRole('link', { name: 'Integrations' }).click();
    await page.getByLabel('Key name').fill('CRM sync');
    await page.getByLabel('Role').selectOption('agent');
    await page.getByRole('button', { name: 'Create key' }).click();

    const key = await page.getByRole('textbox', { name: 'New API key' }).inputValue();
    expect(key).toMatch(/^sb_[A-Za-z0-9_-]{43}$/);
    await page.getByRole('button', { name: 'Copy New API key' }).click();
    await page.getByText('New API key copied').waitFor();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(key);
    await page.getByRole('rowheader', { name: 'CRM sync' }).waitFor();
    const me = await fetch(`${server.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(me.status).toBe(200);
    await captureScreen(page, 'integrations-key');

    await page.reload();
    await page.getByRole('rowheader', { name: 'CRM sync' }).waitFor();
    expect(await page.content()).not.toContain(key);
    await page.getByRole('button', { name: 'Revoke CRM sync' }).click();
    await page.getByText('Revoked').waitFor();
    const refused = await fetch(`${server.url}/api/v1/auth/me`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(refused.status).toBe(401);
    await context.close();
  });

  it('adds an endpoint with chosen events, shows its secret once, lists deliveries and retries a failed one', async () => {
    const { page, context } = await openConsole(browser, server.url);
    await signIn(page, '/console/integrations');
    await page.getByLabel('Endpoint URL').fill(receiver.url);
    await page.getByLabel('Message status').uncheck();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = await page.getByRole('textbox', { name: 'Signing secret' }).inputValue();
    expect(secret).toMatch(/^whsec_/);
    const endpoint = page.getByRole('article', { name: receiver.url });
    expect(await endpoint.textContent()).toContain('Message received');
    expect(await endpoint.textContent()).not.toContain('Message status');

    const channel = await server.api.createSandboxChannel('Integrations sandbox');
    await server.api.simulateInbound(channel.id, '+14155550377', 'hello integrations');
    await waitFor(
      () => receiver.received.length,
      (count) => count >= 1,
      { description: 'a failed delivery' },
    );
    const deliveries = endpoint.getByRole('table');
    await waitFor(
      async () => {
        await endpoint.getByRole('button', { name: 'Refresh deliveries' }).click();
        return (await deliveries.textContent().catch(() => '')) ?? '';
      },
      (text) => text.includes('failed'),
      { description: 'the failed attempt listed' },
    );
    expect(await deliveries.textContent()).toContain('500');

    healthy = true;
    // The latest failed attempt is the one to retry (the server may have retried once by itself).
    const retries = endpoint.getByRole('button', { name: /^Retry message\.received attempt \d+$/ });
    expect(await retries.count()).toBe(1);
    await retries.click();
    await waitFor(
      async () => {
        await endpoint.getByRole('button', { name: 'Refresh deliveries' }).click();
        return (await deliveries.textContent()) ?? '';
      },
      (text) => text.includes('succeeded'),
      { description: 'the retried delivery succeeded' },
    );
    await captureScreen(page, 'integrations');
    await page.reload();
    await page.getByRole('article', { name: receiver.url }).waitFor();
    expect(await page.content()).not.toContain(secret);
    await context.close();
  });

  it('fits a 375px screen', async () => {
    const { page, context } = await openConsole(browser, server.url, PHONE);
    await signIn(page, '/console/integrations');
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    expect(await documentWidth(page)).toBeLessThanOrEqual(PHONE);
    await captureScreen(page, 'integrations');
    await context.close();
  });
});
