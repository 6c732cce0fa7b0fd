import type { Browser } from 'playwright-core';

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

describe('console: the admin home page', () => {
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

  it('is empty at first and says what to do next', async () => {
    const { page, context } = await openConsole(browser, server.url, DESKTOP);
    await signIn(page, '/console/');
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/');
    await page.getByText('No messages this week yet.').waitFor();
    await page.getByRole('link', { name: 'Create a channel' }).waitFor();
    await page.getByText('Nothing sending right now.').waitFor();
    await captureScreen(page, 'home-empty');
    await context.close();
  });

  it('shows today’s messages and the channel’s delivery rate, updating as reports arrive', async () => {
    const channel = await server.api.createSandboxChannel('Home sandbox', {
      deliveryDelayMs: 200,
      failurePrefixes: ['+14155550299'],
    });
    await server.api.send(channel.id, '+14155550201', 'First');
    await server.api.send(channel.id, '+14155550202', 'Second');
    await server.api.send(channel.id, '+14155550203', 'Third');
    await server.api.send(channel.id, '+14155550299', 'Fails');
    await server.api.simulateInbound(channel.id, '+14155550201', 'Thanks!');

    const { page, context } = await openConsole(browser, server.url, DESKTOP);
    await signIn(page, '/console/');
    const figure = (label: string) => page.getByRole('listitem').filter({ hasText: label }).locator('strong');
    // Three delivered and one failed: the page refreshes itself until the reports are in.
    await figure('Delivered today').filter({ hasText: /^3$/ }).waitFor({ timeout: 30_000 });
    expect(await figure('Sent today').textContent()).toBe('3');
    expect(await figure('Received today').textContent()).toBe('1');
    const rate = page.getByRole('progressbar', { name: 'Home sandbox delivery rate' });
    await rate.waitFor();
    expect(await rate.getAttribute('aria-valuenow')).toBe('75');
    // The rate's own figures: delivered out of every message the provider took or failed.
    expect(await page.getByRole('listitem').filter({ has: rate }).textContent()).toContain(
      '3 of 4 delivered',
    );
    await page.getByRole('img', { name: /Sent per day\..*3 sent, 3 delivered, 1 failed$/ }).waitFor();
    await captureScreen(page, 'home');
    // Dark mode follows the system: the same checks (contrast included) on the dark palette.
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await page.evaluate<string>('getComputedStyle(document.documentElement).backgroundColor')).toBe(
      'rgb(17, 20, 24)',
    );
    await captureScreen(page, 'home-dark');
    await context.close();

    const phone = await openConsole(browser, server.url, PHONE);
    await signIn(phone.page, '/console/');
    await phone.page.getByRole('progressbar', { name: 'Home sandbox delivery rate' }).waitFor();
    expect(await documentWidth(phone.page)).toBeLessThanOrEqual(PHONE);
    await captureScreen(phone.page, 'home');
    await phone.context.close();
  });

  it('is not where agents land: they start on the inbox and have no Home link', async () => {
    const agent = { email: 'home-agent@example.com', password: 'an agent passphrase' };
    await server.api.createUser({ ...agent, role: 'agent', name: 'Ada' });
    const { page, context } = await openConsole(browser, server.url, DESKTOP);
    await signIn(page, '/console/', agent);
    await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/inbox');
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Home' }).count()).toBe(0);
    await context.close();
  });
});
