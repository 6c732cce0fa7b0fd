import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

import { checkAccessibility } from './accessibility.js';
import { ADMIN } from './console-server.js';

/** Debian's Chromium; tests never download a browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The machine may have no network: without these Chromium keeps trying to reach Google's services. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = join(__dirname, '..', '..', '..', 'test-artifacts', 'console');

export const DESKTOP = 1440;
export const PHONE = 375;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
}

/** A fresh browser profile (no session) at the given width, its URLs relative to the server. */
export async function openConsole(browser: Browser, baseURL: string, width = DESKTOP): Promise<ConsolePage> {
  const context = await browser.newContext({ baseURL, viewport: { width, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return { context, page };
}

/** Signs in through the form and waits for the screen it lands on. */
export async function signIn(page: Page, path = '/console/inbox', credentials = ADMIN): Promise<void> {
  await page.goto(path);
  await page.getByLabel('Email').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/**
 * A screen as it stands: checked with axe-core (fails on a serious or critical violation) and saved
 * as a full-page screenshot for people to look at (test-artifacts/ is git-ignored).
 */
export async function captureScreen(page: Page, name: string): Promise<void> {
  const width = page.viewportSize()?.width ?? 0;
  await checkAccessibility(page, ARTIFACTS, `${name}-${width}`);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}-${width}.png`), fullPage: true });
}

/** How wide the document is: at most the viewport when nothing scrolls sideways. */
export function documentWidth(page: Page): Promise<number> {
  return page.evaluate<number>('document.scrollingElement.scrollWidth');
}
