import type { Browser, Page } from 'playwright-core';

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

const FIRST_NAMES = ['Ada', 'Grace', 'Katherine', 'Margaret', 'Radia'];

describe('console: campaigns', () => {
  let server: ConsoleServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startConsoleServer({ CAMPAIGN_DISPATCH_INTERVAL_MS: '500' });
    await server.api.createSandboxChannel('Campaign sandbox');
    for (const [index, firstName] of FIRST_NAMES.entries()) {
      await server.api.createContact({ phone: `+1415555020${index}`, firstName, tags: ['spring'] });
    }
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function startNewCampaign(page: Page, name: string): Promise<void> {
    await page.goto('/console/campaigns');
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByRole('heading', { name: 'New campaign', level: 1 }).waitFor();
    await page.getByLabel('Campaign name').fill(name);
    await page.getByLabel('Channel').selectOption({ label: `Campaign sandbox (sandbox) · +12025550142` });
  }

  it('creates a campaign for a tag, previews its text and watches it reach 100%', async () => {
    const { page, context } = await openConsole(browser, server.url);
    await signIn(page, '/console/campaigns');
    await startNewCampaign(page, 'Spring sale');

    await page.getByLabel('Message text').fill('Hi {{firstName}}, 20% off today. Reply STOP to opt out.');
    const preview = page.getByRole('status', { name: 'Preview' });
    const previewShows = (text: string) => preview.filter({ hasText: text }).waitFor();
    // Previewed with a real contact from the start, never an invented one.
    await previewShows(', 20% off today.');
    expect(await preview.textContent()).toMatch(
      new RegExp(`^Hi (${FIRST_NAMES.join('|')}), 20% off today\\. Reply STOP to opt out\\.$`),
    );
    await page.getByLabel('Message text').fill('Hi {{nickname}}');
    await previewShows('Unknown placeholder {{nickname}}');
    await page.getByLabel('Message text').fill('Hi {{firstName}}, 20% off today. Reply STOP to opt out.');

    const size = page.getByRole('status', { name: 'Audience size' });
    await page.getByLabel('Tags', { exact: true }).fill('nobody-has-this-tag');
    await size.filter({ hasText: 'No contact is in this audience yet' }).waitFor();
    expect(await page.getByRole('button', { name: 'Create and send' }).isDisabled()).toBe(true);
    await page.getByLabel('Tags', { exact: true }).fill('spring');
    await size.filter({ hasText: 'Audience: 5 contacts.' }).waitFor();
    // With the tag the sample contacts are the audience's own.
    await page.getByLabel('Preview for').selectOption({ label: 'Grace +14155550201' });
    await previewShows('Hi Grace, 20% off today. Reply STOP to opt out.');
    await captureScreen(page, 'campaign-new');
    await page.getByRole('button', { name: 'Create and send' }).click();

    await page.getByRole('heading', { name: 'Spring sale', level: 1 }).waitFor();
    const progress = page.getByRole('progressbar', { name: 'Sending progress' });
    await page.locator('[role=progressbar][aria-valuenow="100"]').waitFor({ timeout: 30_000 });
    expect(await progress.getAttribute('aria-valuetext')).toBe('100% (5 of 5 handled)');
    await page.getByText('Status: Completed').waitFor();
    const funnel = page.getByRole('table', { name: 'Funnel counts' });
    expect(
      await funnel
        .getByRole('row', { name: /^Audience/ })
        .getByRole('cell')
        .textContent(),
    ).toBe('5');
    // Finished: no actions left to offer.
    expect(await page.getByRole('group', { name: 'Campaign actions' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Cancel campaign' }).count()).toBe(0);
    await captureScreen(page, 'campaign-detail');

    await page.getByRole('link', { name: '← All campaigns' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Spring sale' });
    expect(await row.getByRole('cell').nth(1).textContent()).toContain('100%');
    await captureScreen(page, 'campaigns');
    await context.close();
  });

  it('counts SMS segments as the text is typed and warns before scheduling recipients outside their hours', async () => {
    const { page, context } = await openConsole(browser, server.url);
    await signIn(page, '/console/campaigns');
    await startNewCampaign(page, 'Quiet hours');
    await page.getByLabel('Tags', { exact: true }).fill('spring');
    const counter = page.getByRole('status', { name: 'SMS segments' });
    await page.getByLabel('Message text').fill('Hello {{firstName}}');
    await counter.filter({ hasText: '1 segment, GSM-7' }).waitFor();
    await page.getByLabel('Message text').fill(`Hello {{firstName}} 😀 ${'x'.repeat(70)}`);
    await counter.filter({ hasText: '2 segments, UCS-2' }).waitFor();

    // The spring contacts are +1 415 numbers: Los Angeles. A window that opens in two hours there is closed now.
    const hour = Number(
      new Intl.DateTimeFormat('en-US', {
        timeZone: 'America/Los_Angeles',
        hour: '2-digit',
        hourCycle: 'h23',
      }).format(new Date()),
    );
    const at = (h: number) => `${String(h % 24).padStart(2, '0')}:00`;
    await page.getByLabel("Send only within these hours in each recipient's own time zone").check();
    await page.getByLabel('From').fill(at(hour + 2));
    await page.getByLabel('Until').fill(at(hour + 3));
    await page.getByRole('button', { name: 'Create and send' }).click();

    const warning = page.getByRole('alert').filter({ hasText: 'held until their send window opens' });
    await warning.waitFor();
    expect(await warning.textContent()).toContain('5 recipients, 5 of them held');
    await captureScreen(page, 'campaign-new-held-warning');
    await page.getByRole('button', { name: 'Schedule anyway' }).click();
    await page.getByRole('heading', { name: 'Quiet hours', level: 1 }).waitFor();
    await page.getByText('Held outside their send window: 5').waitFor({ timeout: 30_000 });
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Cancel campaign' }).click();
    await page.getByText('Status: Cancelled').waitFor();
    await context.close();
  });

  it('schedules a campaign for later, then pauses, resumes and cancels it with the buttons its state allows', async () => {
    const { page, context } = await openConsole(browser, server.url);
    await signIn(page, '/console/campaigns');
    await startNewCampaign(page, 'Next week');
    await page.getByLabel('Message text').fill('See you next week, {{firstName}}');
    await page.getByLabel('Tags', { exact: true }).fill('spring');
    await page.getByRole('radio', { name: 'At a time' }).check();
    await page
      .getByLabel('Send at (your local time)')
      .fill(localDateTime(new Date(Date.now() + 7 * 24 * 3600 * 1000)));
    await page.getByRole('button', { name: 'Create and schedule' }).click();

    await page.getByText('Status: Scheduled').waitFor();
    const button = (name: string) => page.getByRole('button', { name });
    expect(await button('Pause').isEnabled()).toBe(true);
    expect(await button('Resume').isDisabled()).toBe(true);

    await button('Pause').click();
    await page.getByText('Status: Paused').waitFor();
    expect(await button('Pause').isDisabled()).toBe(true);
    await button('Resume').click();
    await page.getByText('Status: Scheduled').waitFor();

    page.once('dialog', (dialog) => void dialog.accept());
    await button('Cancel campaign').click();
    await page.getByText('Status: Cancelled').waitFor();
    expect(await button('Cancel campaign').count()).toBe(0);
    await context.close();
  });

  it('fits a 375px screen', async () => {
    const { page, context } = await openConsole(browser, server.url, PHONE);
    await signIn(page, '/console/campaigns');
    const row = page.getByRole('row').filter({ hasText: 'Spring sale' });
    await row.waitFor();
    expect(await documentWidth(page)).toBeLessThanOrEqual(PHONE);
    await captureScreen(page, 'campaigns');

    await row.getByRole('link', { name: 'Spring sale' }).click();
    await page.getByText('Status: Completed').waitFor();
    expect(await documentWidth(page)).toBeLessThanOrEqual(PHONE);
    await captureScreen(page, 'campaign-detail');

    await page.goto('/console/campaigns/new');
    await page
      .getByLabel('Message text')
      .fill('Hi {{firstName}}, a long line of text to see that the preview wraps on a narrow screen');
    expect(await documentWidth(page)).toBeLessThanOrEqual(PHONE);
    await captureScreen(page, 'campaign-new');
    await context.close();
  });

  it('is not offered to agents', async () => {
    const agent = { email: 'campaign-agent@example.com', password: 'an agent passphrase' };
    await server.api.createUser({ ...agent, role: 'agent' });
    const { page, context } = await openConsole(browser, server.url, DESKTOP);
    await signIn(page, '/console/campaigns/new', agent);

    await page.getByRole('heading', { name: 'Admins only' }).waitFor();
    expect(await page.getByRole('link', { name: 'Campaigns' }).count()).toBe(0);
    await context.close();
  });
});

/** The value a datetime-local input takes: local time, minutes precision. */
function localDateTime(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
