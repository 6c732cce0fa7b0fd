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
import { ADMIN, type ConsoleServer, startConsoleServer } from './support/console-server.js';

const THROTTLE_LIMIT = 8;
const ACCESS_TTL_SECONDS = 12;

describe('console: signing in', () => {
  let server: ConsoleServer;
  let browser: Browser;

  beforeAll(async () => {
    // A low per-email limit (successful logins count too), so that throttling shows after a few
    // attempts with another email while the admin's own few sign-ins stay under it.
    // Short-lived access tokens, so that the console's silent refresh happens within a test.
    server = await startConsoleServer({
      LOGIN_MAX_ATTEMPTS_PER_EMAIL: String(THROTTLE_LIMIT),
      LOGIN_MAX_ATTEMPTS_PER_IP: '1000',
      JWT_ACCESS_TTL: `${ACCESS_TTL_SECONDS}s`,
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('is served by the app itself, with a security policy that lets it run over plain HTTP', async () => {
    const page = await fetch(`${server.url}/console/contacts`);
    const html = await page.text();
    const csp = page.headers.get('content-security-policy') ?? '';
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const asset = await fetch(`${server.url}${script}`);

    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(csp).toMatch(/script-src 'self'/);
    // Served over HTTP on a LAN address, this directive would make browsers fetch the scripts over HTTPS.
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('signs in, stays signed in across a reload, and signs out', async () => {
    const { page, context } = await openConsole(browser, server.url);
    await page.goto('/console/');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await captureScreen(page, 'sign-in');
    const phone = await openConsole(browser, server.url, PHONE);
    await phone.page.goto('/console/');
    await phone.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await documentWidth(phone.page)).toBeLessThanOrEqual(PHONE);
    await captureScreen(phone.page, 'sign-in');
    await phone.context.close();

    // Admins start on the home page; agents on the inbox (see home.browser-spec.ts).
    await signIn(page, '/console/');
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/');

    await page.reload();
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    expect(await page.getByRole('heading', { name: 'Sign in' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByText('You have signed out.').waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await context.close();
  });

  it('refreshes the access token before it expires and keeps working', async () => {
    const { page, context } = await openConsole(browser, server.url);
    let refreshes = 0;
    page.on('request', (request) => {
      if (request.url().endsWith('/api/v1/auth/refresh')) refreshes += 1;
    });
    await signIn(page, '/console/inbox');

    const refreshed = await page.waitForResponse(
      (response) => response.url().endsWith('/api/v1/auth/refresh'),
      { timeout: ACCESS_TTL_SECONDS * 1000 },
    );
    expect(refreshed.status()).toBe(200);
    // Past the first token's lifetime, the API still answers the console.
    await page.waitForResponse((response) => response.url().endsWith('/api/v1/auth/refresh'), {
      timeout: ACCESS_TTL_SECONDS * 1000,
    });
    const contacts = page.waitForResponse((response) => response.url().includes('/api/v1/contacts'));
    await page.getByRole('link', { name: 'Contacts' }).click();
    expect((await contacts).status()).toBe(200);
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    // One refresh per token lifetime, not one per call.
    expect(refreshes).toBe(2);
    await context.close();
  });

  it('works by keyboard alone', async () => {
    const { page, context } = await openConsole(browser, server.url);
    await page.goto('/console/sign-in');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.type(ADMIN.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(ADMIN.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();

    // Signing in lands on the new screen's heading.
    const isFocused = (element: { ownerDocument: { activeElement: unknown } }) =>
      element === element.ownerDocument.activeElement;
    expect(await page.getByRole('heading', { name: 'Home', level: 1 }).evaluate(isFocused)).toBe(true);

    await page.reload();
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    await page.keyboard.press('Tab');
    const skipLink = page.getByRole('link', { name: 'Skip to content' });
    expect(await skipLink.evaluate(isFocused)).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.getByRole('main').evaluate(isFocused)).toBe(true);

    await page.getByRole('link', { name: 'Contacts' }).focus();
    await page.keyboard.press('Enter');
    const heading = page.getByRole('heading', { name: 'Contacts', level: 1 });
    await heading.waitFor();
    // The new screen's heading has the focus, so reading and tabbing continue there.
    expect(await heading.evaluate(isFocused)).toBe(true);
    await context.close();
  });

  it('brings a deep link back to its screen after signing in', async () => {
    const { page, context } = await openConsole(browser, server.url);
    await signIn(page, '/console/contacts?tag=vip');

    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    expect(await page.getByLabel('Tag', { exact: true }).inputValue()).toBe('vip');
    await context.close();
  });

  it('says so when the password is wrong', async () => {
    const { page, context } = await openConsole(browser, server.url);
    await page.goto('/console/sign-in');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();

    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Invalid email or password');
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    await captureScreen(page, 'sign-in-error');
    await context.close();
  });

  it('explains throttling and when to try again', async () => {
    const { page, context } = await openConsole(browser, server.url, PHONE);
    await page.goto('/console/sign-in');
    await page.getByLabel('Email').fill('someone-else@example.com');
    const alert = page.getByRole('alert');
    for (let attempt = 1; attempt <= THROTTLE_LIMIT + 1; attempt += 1) {
      await page.getByLabel('Password').fill(`guess ${attempt}`);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await alert
        .filter({ hasText: attempt <= THROTTLE_LIMIT ? `Invalid email or password` : 'Too many attempts' })
        .waitFor();
      await page.getByRole('button', { name: 'Sign in' }).and(page.locator(':enabled')).waitFor();
    }

    expect(await alert.textContent()).toMatch(/Too many attempts\. Try again in \d+ s\./);
    await captureScreen(page, 'sign-in-throttled');
    await context.close();
  });

  it('shows agents no admin navigation and no admin screens', async () => {
    const agent = { email: 'agent@example.com', password: 'an agent passphrase' };
    await server.api.createUser({ ...agent, role: 'agent', name: 'Grace' });
    const { page, context } = await openConsole(browser, server.url, DESKTOP);
    await signIn(page, '/console/inbox', agent);

    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Inbox', 'Contacts']);
    // The header names the person once; e-mail and role are in its tooltip.
    const who = page.locator('.site-header .who');
    expect(await who.textContent()).toBe('Grace');
    expect(await who.getAttribute('title')).toBe('agent@example.com (agent)');
    await page.goto('/console/channels');
    await page.getByRole('heading', { name: 'Admins only' }).waitFor();
    await context.close();
  });
});
