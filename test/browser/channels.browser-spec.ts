import type { Browser, Locator } from 'playwright-core';

import {
  captureScreen,
  DESKTOP,
  documentWidth,
  launchBrowser,
  openConsole,
  PHONE,
  signIn,
} from './support/browser.js';
import { type ConsoleServer, startConsoleServer } from './support/console-server.js';

describe('console: channels', () => {
  let server: ConsoleServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startConsoleServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('creates a sandbox channel, copies its webhook URL, verifies it and receives a message through it', async () => {
    const { page, context } = await openConsole(browser, server.url);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await signIn(page, '/console/channels');
    await page.getByRole('link', { name: 'New channel' }).click();
    await page.getByLabel('Channel name').fill('Try-out sandbox');
    await page.getByLabel('Provider').selectOption({ label: 'Sandbox (simulated, no network)' });
    await page.getByLabel('Sender').fill('+12025550142');
    await page.getByLabel('Failure prefixes (optional)').fill('+1555, +1666');
    await captureScreen(page, 'channel-new');
    await page.getByRole('button', { name: 'Create channel' }).click();

    await page.getByRole('heading', { name: 'Try-out sandbox', level: 1 }).waitFor();
    const callbackUrl = await page.getByRole('textbox', { name: 'Callback URL' }).inputValue();
    expect(callbackUrl).toMatch(/\/api\/v1\/webhooks\/sandbox\/[0-9a-f-]{36}/);
    await page.getByRole('button', { name: 'Copy Callback URL' }).click();
    await page.getByText('Callback URL copied').waitFor();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(callbackUrl);
    expect(await page.getByRole('definition').allTextContents()).toContain('+1555, +1666');

    await page.getByRole('button', { name: 'Verify credentials' }).click();
    await page.getByRole('status').filter({ hasText: 'Verified:' }).waitFor();

    await page.getByLabel('From (phone number)').fill('+14155550300');
    await page.getByLabel('Message', { exact: true }).fill('Hello from the channel page');
    await page.getByRole('button', { name: 'Receive message' }).click();
    await page.getByText(/it is in the inbox/).waitFor();
    await captureScreen(page, 'channel-detail');

    await page.getByRole('link', { name: 'Inbox' }).click();
    // The inbox opens on the admin's own conversations; a simulated message is nobody's yet.
    await page.getByRole('button', { name: 'Unassigned' }).click();
    await page.getByRole('link').filter({ hasText: 'Hello from the channel page' }).waitFor();
    await context.close();
  });

  it("asks for exactly the provider's config fields, secrets as password inputs, and never shows a secret back", async () => {
    const apiToken = 'sinch-token-0123456789-zyxw';
    const { page, context } = await openConsole(browser, server.url);
    await signIn(page, '/console/channels/new');

    const fields = page.getByRole('group', { name: 'Sinch SMS settings' });
    expect(await labelsIn(fields)).toEqual([
      'Service plan id',
      'API token',
      'Region',
      'Base URL (optional)',
      'Webhook secret (optional)',
      'Sending limit (recipients per second) (optional)',
    ]);
    expect(await page.getByLabel('API token').getAttribute('type')).toBe('password');
    expect(await page.getByLabel('Webhook secret (optional)').getAttribute('type')).toBe('password');

    await page.getByLabel('Provider').selectOption('plivo');
    expect(await labelsIn(page.getByRole('group', { name: 'Plivo settings' }))).toEqual([
      'Auth id',
      'Auth token',
      'Base URL (optional)',
      'Sending limit (recipients per second) (optional)',
    ]);
    await page.getByLabel('Provider').selectOption('sinch-conversation');
    expect(await labelsIn(page.getByRole('group', { name: /^Sinch Conversation API/ }))).toEqual([
      'Project id',
      'App id',
      'Access key id',
      'Access key secret',
      'Region',
      'Channel',
      'Channel priority order (optional)',
      'SMS sender (optional)',
      'Webhook secret',
      'Base URL (optional)',
      'Auth URL (optional)',
      'Sending limit (recipients per second) (optional)',
    ]);

    await page.getByLabel('Provider').selectOption('sinch-sms');
    await page.getByLabel('Channel name').fill('US SMS');
    await page.getByLabel('Sender').fill('+12025550143');
    await page.getByLabel('Service plan id').fill('a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4');
    await page.getByLabel('API token').fill(apiToken);
    await page.getByLabel('Region').selectOption('eu');
    await page.getByRole('button', { name: 'Create channel' }).click();

    await page.getByRole('heading', { name: 'US SMS', level: 1 }).waitFor();
    const settings = page.getByRole('region', { name: 'Settings' });
    expect(await settings.textContent()).toContain('Set (hidden)');
    expect(await page.content()).not.toContain(apiToken.slice(-4));
    expect((await page.getByRole('textbox', { name: 'Callback URL' }).inputValue()).length).toBeGreaterThan(
      0,
    );
    await context.close();
  });

  it('explains a refused channel', async () => {
    const { page, context } = await openConsole(browser, server.url);
    await signIn(page, '/console/channels/new');
    await page.getByLabel('Channel name').fill('Bad');
    await page.getByLabel('Sender').fill('+12025550144');
    await page.getByLabel('Service plan id').fill('plan');
    await page.getByLabel('API token').fill('short');
    await page.getByLabel('Region').selectOption('us');
    await page.getByRole('button', { name: 'Create channel' }).click();

    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('apiToken');
    await context.close();
  });

  it('lists channels and fits a 375px screen', async () => {
    const { page, context } = await openConsole(browser, server.url, PHONE);
    await signIn(page, '/console/channels');
    await page.getByRole('rowheader', { name: 'Try-out sandbox' }).waitFor();
    expect(await documentWidth(page)).toBeLessThanOrEqual(PHONE);
    await captureScreen(page, 'channels');

    await page.getByRole('link', { name: 'Try-out sandbox' }).click();
    await page.getByRole('textbox', { name: 'Callback URL' }).waitFor();
    expect(await documentWidth(page)).toBeLessThanOrEqual(PHONE);
    await captureScreen(page, 'channel-detail');

    await page.goto('/console/channels/new');
    await page.getByLabel('Channel name').waitFor();
    expect(await documentWidth(page)).toBeLessThanOrEqual(PHONE);
    await captureScreen(page, 'channel-new');
    await context.close();

    const desktop = await openConsole(browser, server.url, DESKTOP);
    await signIn(desktop.page, '/console/channels');
    await desktop.page.getByRole('rowheader', { name: 'Try-out sandbox' }).waitFor();
    await captureScreen(desktop.page, 'channels');
    await desktop.context.close();
  });
});

async function labelsIn(group: Locator): Promise<string[]> {
  return (await group.locator('label').allTextContents()).map((text) => text.trim());
}
