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
import { type ChannelView, type ConsoleServer, startConsoleServer } from './support/console-server.js';

describe('console: the inbox', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let channel: ChannelView;

  beforeAll(async () => {
    server = await startConsoleServer();
    channel = await server.api.createSandboxChannel('Sandbox SMS');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /**
   * Opens the inbox on every conversation (it opens on the signed-in user's open ones otherwise;
   * team-inbox.browser-spec.ts covers the filters) and waits until the live stream is connected.
   */
  async function openInbox(width = DESKTOP): Promise<Page> {
    const { page } = await openConsole(browser, server.url, width);
    await signIn(page, '/console/inbox?assignee=all&status=any');
    await page.getByText('Live: new messages appear here').waitFor();
    return page;
  }

  const conversationLink = (page: Page, text: string) =>
    page
      .getByRole('list', { name: 'Conversations, newest first' })
      .getByRole('link')
      .filter({ hasText: text });

  it('shows an inbound message as it arrives, without a reload', async () => {
    const page = await openInbox();
    await page.evaluate('window.__loadedOnce = true');

    await server.api.simulateInbound(channel.id, '+14155550101', 'Is my order on its way?');

    const conversation = conversationLink(page, 'Is my order on its way?');
    await conversation.waitFor();
    expect(await conversation.textContent()).toContain('+14155550101');
    expect(await conversation.textContent()).toContain('1 unread');
    expect(await page.evaluate<boolean>('window.__loadedOnce === true')).toBe(true);
    await captureScreen(page, 'inbox');
    await page.context().close();
  });

  it('sends a reply and follows its status to delivered', async () => {
    await server.api.simulateInbound(channel.id, '+14155550102', 'Do you open on Sundays?');
    const page = await openInbox();

    await conversationLink(page, 'Do you open on Sundays?').click();
    await page.getByRole('heading', { name: '+14155550102', level: 2 }).waitFor();
    await page.getByRole('textbox', { name: 'Reply to +14155550102' }).fill('Yes, from 10 to 4.');
    await page.getByRole('button', { name: 'Send reply' }).click();

    const reply = page
      .getByRole('list', { name: /^Messages with/ })
      .getByRole('listitem')
      .filter({ hasText: 'Yes, from 10 to 4.' });
    await reply.getByText('Delivered', { exact: true }).waitFor();
    expect(await page.getByRole('textbox', { name: 'Reply to +14155550102' }).inputValue()).toBe('');
    await captureScreen(page, 'inbox-thread');
    await page.context().close();
  });

  it('shows delivery failures with their reason', async () => {
    const failing = await server.api.createSandboxChannel('Failing sandbox', {
      deliveryDelayMs: 100,
      failurePrefixes: ['+1415555019'],
    });
    await server.api.simulateInbound(failing.id, '+14155550199', 'Anyone there?');
    const page = await openInbox();
    await conversationLink(page, 'Anyone there?').click();

    await page.getByRole('textbox', { name: 'Reply to +14155550199' }).fill('We are!');
    await page.getByRole('button', { name: 'Send reply' }).click();

    const reply = page
      .getByRole('list', { name: /^Messages with/ })
      .getByRole('listitem')
      .filter({ hasText: 'We are!' });
    await reply.getByText('Failed', { exact: true }).waitFor();
    expect(await reply.textContent()).toMatch(/Failed: \S+/);
    await page.context().close();
  });

  it('disables the reply box for a contact who opted out, and says why', async () => {
    await server.api.simulateInbound(channel.id, '+14155550103', 'STOP');
    const page = await openInbox();
    await conversationLink(page, '+14155550103').click();
    const note = page.getByText('+14155550103 has opted out of messages');
    await note.waitFor();

    // Nothing to type or send under a note that says it would be refused.
    expect(await note.textContent()).toContain('START');
    expect(await page.getByRole('textbox', { name: 'Reply to +14155550103' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Send reply' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Use a template' }).isDisabled()).toBe(true);
    await captureScreen(page, 'inbox-opted-out');
    await page.context().close();
  });

  it('fits a 375px screen: the list, then the thread', async () => {
    await server.api.simulateInbound(
      channel.id,
      '+14155550104',
      'A rather long message to check that nothing on this narrow screen scrolls sideways at all',
    );
    const page = await openInbox(PHONE);

    const conversation = conversationLink(page, 'A rather long message');
    await conversation.waitFor();
    expect(await documentWidth(page)).toBeLessThanOrEqual(PHONE);
    await captureScreen(page, 'inbox');

    await conversation.click();
    await page.getByRole('link', { name: '← All conversations' }).waitFor();
    await page.getByRole('textbox', { name: 'Reply to +14155550104' }).waitFor();
    expect(await documentWidth(page)).toBeLessThanOrEqual(PHONE);
    await captureScreen(page, 'inbox-thread');

    await page.getByRole('link', { name: '← All conversations' }).click();
    await conversation.waitFor();
    await page.context().close();
  });
});
