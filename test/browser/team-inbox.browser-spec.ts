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

/** The team features of the inbox, each at desktop and phone width. */
describe('console: the team inbox', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let channel: ChannelView;
  let phoneSequence = 0;

  beforeAll(async () => {
    // Every test signs in afresh, more often than the login throttle allows one email per minute.
    server = await startConsoleServer({ LOGIN_MAX_ATTEMPTS_PER_EMAIL: '100' });
    channel = await server.api.createSandboxChannel('Sandbox SMS');
    await server.api.createCannedResponse('hours', "Hi {{firstName}}, we're open 9 to 5.");
    await server.api.createCannedResponse('returns', 'Returns are free within 30 days.');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** A new contact (first name Ada) writes in; returns their number. */
  async function customerWrites(text: string): Promise<string> {
    phoneSequence += 1;
    const phone = `+1415555${String(2000 + phoneSequence).padStart(4, '0')}`;
    await server.api.createContact({ phone, firstName: 'Ada' });
    await server.api.simulateInbound(channel.id, phone, text);
    return phone;
  }

  async function openInbox(width: number, path = '/console/inbox'): Promise<Page> {
    const { page } = await openConsole(browser, server.url, width);
    await signIn(page, path);
    await page.getByText('Live: new messages appear here').waitFor();
    return page;
  }

  const conversationList = (page: Page) => page.getByRole('list', { name: 'Conversations, newest first' });
  const conversationLink = (page: Page, text: string) =>
    conversationList(page).getByRole('link').filter({ hasText: text });
  const thread = (page: Page) => page.getByRole('list', { name: /^Messages with/ });

  for (const width of [DESKTOP, PHONE]) {
    describe(`at ${width}px`, () => {
      it('opens on Open + Mine; Unassigned and All show the rest; assigning moves a conversation into Mine', async () => {
        const text = `Who looks after me? (${width})`;
        await customerWrites(text);
        const page = await openInbox(width);

        expect(await page.getByRole('button', { name: 'Mine' }).getAttribute('aria-pressed')).toBe('true');
        expect(await page.getByLabel('Status').inputValue()).toBe('open');
        await page.locator('.conversations, .conversation-list .empty').first().waitFor();
        expect(await conversationLink(page, text).count()).toBe(0);

        await page.getByRole('button', { name: 'Unassigned' }).click();
        await conversationLink(page, text).click();
        await page.getByLabel('Assignee').selectOption({ label: 'Me (Administrator)' });
        await page
          .getByLabel('Assignee')
          .locator('option:checked')
          .filter({ hasText: 'Me' })
          .waitFor({ state: 'attached' });
        // On a phone the list and the thread take turns.
        if (width === PHONE) await page.getByRole('link', { name: '← All conversations' }).click();
        await page.getByRole('button', { name: 'Mine' }).click();
        await conversationLink(page, text).waitFor();
        expect(await conversationLink(page, text).textContent()).toContain('mine');
        await page.getByRole('button', { name: 'All' }).click();
        await conversationLink(page, text).waitFor();
        expect(await documentWidth(page)).toBeLessThanOrEqual(width);
        await captureScreen(page, 'team-inbox-filters');
        await page.context().close();
      });

      it('snoozes with a preset, reopens, resolves and reopens', async () => {
        const text = `Call me tomorrow (${width})`;
        const phone = await customerWrites(text);
        const page = await openInbox(width, '/console/inbox?assignee=all');
        await conversationLink(page, text).click();

        await page.getByRole('button', { name: 'Snooze' }).click();
        const menu = page.getByRole('group', { name: 'Snooze until' });
        expect(await menu.getByRole('button').allTextContents()).toEqual(
          expect.arrayContaining(['1 hour', 'Tomorrow 9:00', 'Next week', 'Snooze until then']),
        );
        await page.getByLabel('Custom time').waitFor();
        expect(await documentWidth(page)).toBeLessThanOrEqual(width);
        await captureScreen(page, 'team-inbox-snooze');
        await menu.getByRole('button', { name: 'Tomorrow 9:00' }).click();

        const state = page.getByRole('status').filter({ hasText: /^Snoozed until/ });
        await state.waitFor();
        const [snoozed] = (await server.api.conversations('status=snoozed')).items.filter(
          (item) => item.contact.phone === phone,
        );
        expect(new Date(snoozed.snoozedUntil!).getHours()).toBe(9);

        await page.getByRole('button', { name: 'Reopen' }).click();
        await page
          .getByRole('status')
          .filter({ hasText: /^Open$/ })
          .waitFor();
        await page.getByRole('button', { name: 'Resolve' }).click();
        await page
          .getByRole('status')
          .filter({ hasText: /^Closed$/ })
          .waitFor();
        await page.getByRole('button', { name: 'Reopen' }).click();
        await page
          .getByRole('status')
          .filter({ hasText: /^Open$/ })
          .waitFor();
        await page.context().close();
      });

      it('adds an internal note that shows in the thread, visibly a note, and is never sent', async () => {
        const text = `Refund please (${width})`;
        const phone = await customerWrites(text);
        const page = await openInbox(width, '/console/inbox?assignee=all');
        await conversationLink(page, text).click();

        await page.getByRole('button', { name: 'Internal note' }).click();
        await page.getByLabel('Internal note (only your team sees it)').fill('Refund approved by Sam');
        await page.getByRole('button', { name: 'Add note' }).click();

        const note = thread(page).getByRole('listitem').filter({ hasText: 'Refund approved by Sam' });
        await note.waitFor();
        expect(await note.textContent()).toContain('Internal note');
        expect(await note.getAttribute('class')).toContain('note');
        const [conversation] = (await server.api.conversations('status=open&limit=200')).items.filter(
          (item) => item.contact.phone === phone,
        );
        const messages = await server.api.messagesOf(conversation.id);
        expect(messages.items.map((message) => message.direction)).toEqual(['inbound']);
        expect(await documentWidth(page)).toBeLessThanOrEqual(width);
        await captureScreen(page, 'team-inbox-note');
        await page.context().close();
      });

      it('opens the canned responses on / in the reply box, filters as you type and inserts the rendered text', async () => {
        const text = `When are you open? (${width})`;
        await customerWrites(text);
        const page = await openInbox(width, '/console/inbox?assignee=all');
        await conversationLink(page, text).click();

        const box = page.getByRole('textbox', { name: `Reply to Ada` });
        await box.click();
        await box.pressSequentially('/');
        const picker = page.getByRole('listbox', { name: 'Canned responses' });
        await picker.waitFor();
        expect(await picker.getByRole('option').count()).toBe(2);
        await box.pressSequentially('ho');
        await picker.getByRole('option').filter({ hasText: '/hours' }).waitFor();
        expect(await picker.getByRole('option').count()).toBe(1);
        expect(await documentWidth(page)).toBeLessThanOrEqual(width);
        await captureScreen(page, 'team-inbox-canned');
        await box.press('Enter');

        expect(await box.inputValue()).toBe("Hi Ada, we're open 9 to 5.");
        await page.getByRole('button', { name: 'Send reply' }).click();
        await thread(page).getByRole('listitem').filter({ hasText: "Hi Ada, we're open 9 to 5." }).waitFor();
        await page.context().close();
      });

      it('has keyboard shortcuts, listed on a ? overlay', async () => {
        const text = `Shortcuts (${width})`;
        await customerWrites(text);
        const page = await openInbox(width, '/console/inbox?assignee=all');
        await conversationLink(page, text).waitFor();

        await page.keyboard.press('?');
        const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
        await dialog.waitFor();
        expect(await dialog.textContent()).toContain('Snooze the conversation');
        expect(await documentWidth(page)).toBeLessThanOrEqual(width);
        await captureScreen(page, 'team-inbox-shortcuts');
        await page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'detached' });

        // j opens the newest conversation (this one), e resolves it, a takes it, n starts a note.
        await page.keyboard.press('j');
        await page.getByRole('heading', { name: 'Ada', level: 2 }).waitFor();
        await page.keyboard.press('e');
        await page
          .getByRole('status')
          .filter({ hasText: /^Closed$/ })
          .waitFor();
        await page.keyboard.press('a');
        await page
          .getByLabel('Assignee')
          .locator('option:checked')
          .filter({ hasText: /^Me / })
          .waitFor({ state: 'attached' });
        await page.keyboard.press('n');
        await page.getByLabel('Internal note (only your team sees it)').waitFor();
        await page.context().close();
      });

      it('lets an admin manage canned responses on their own page', async () => {
        const page = await openInbox(width);
        await page.getByRole('link', { name: 'Canned responses' }).click();
        await page.getByRole('heading', { name: 'Canned responses', level: 1 }).waitFor();

        const shortcode = `thanks${width}`;
        await page.getByLabel('Shortcode').first().fill(shortcode);
        await page.getByLabel('Text', { exact: true }).first().fill('Thanks {{firstName}}!');
        await page.getByRole('button', { name: 'Create' }).click();
        const item = page
          .getByRole('list', { name: 'Canned responses' })
          .getByRole('listitem')
          .filter({
            hasText: `/${shortcode}`,
          });
        await item.waitFor();

        await page.getByLabel('Shortcode').last().fill('hours');
        await page.getByLabel('Text', { exact: true }).last().fill('Duplicate');
        await page.getByRole('button', { name: 'Create' }).click();
        await page.getByRole('alert').filter({ hasText: 'already exists' }).waitFor();
        expect(await documentWidth(page)).toBeLessThanOrEqual(width);
        await captureScreen(page, 'team-inbox-canned-admin');

        await page.getByRole('button', { name: `Delete /${shortcode}` }).click();
        await item.waitFor({ state: 'detached' });
        await page.context().close();
      });
    });
  }
});
