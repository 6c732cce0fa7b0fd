import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser } from 'playwright-core';

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

describe('console: contacts', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let files: string;

  beforeAll(async () => {
    server = await startConsoleServer();
    browser = await launchBrowser();
    files = mkdtempSync(join(tmpdir(), 'switchboard-csv-'));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(files, { recursive: true, force: true });
  });

  it('imports a CSV file and reports each rejected line with its reason', async () => {
    await server.api.createContact({ phone: '+14155550110', name: 'Existing Person' });
    const csv = join(files, 'customers.csv');
    writeFileSync(
      csv,
      [
        'phone,name,tags',
        '+14155550111,Ada Lovelace,vip;newsletter',
        'not a number,Broken Row,vip',
        '+14155550110,Existing Person Renamed,',
        '',
      ].join('\n'),
    );
    const { page, context } = await openConsole(browser, server.url);
    await signIn(page, '/console/contacts');

    await page.getByLabel('CSV file').setInputFiles(csv);
    await page.getByRole('button', { name: 'Import', exact: true }).click();

    const report = page.getByRole('region', { name: 'Imported customers.csv' });
    await report.waitFor();
    expect(await report.getByRole('listitem').allTextContents()).toEqual([
      '1 new contact',
      '1 updated',
      '1 line rejected',
    ]);
    const rejected = report.getByRole('table', { name: 'Rejected lines' });
    const row = rejected.getByRole('row').filter({ hasText: 'not a number' });
    expect(await row.getByRole('cell').first().textContent()).toBe('3');
    // The hint names what this page offers (its Country field), not an API parameter.
    expect(await row.textContent()).toContain('give the country for numbers without one');
    expect(await row.textContent()).not.toContain('?defaultCountry=');
    // The list re-reads after the import.
    await page.getByRole('rowheader', { name: 'Ada Lovelace' }).waitFor();
    await captureScreen(page, 'contacts');
    await context.close();
  });

  it('filters by tag and opts a contact out and back in', async () => {
    await server.api.createContact({ phone: '+14155550120', name: 'Grace Hopper', tags: ['cobol'] });
    const { page, context } = await openConsole(browser, server.url);
    await signIn(page, '/console/contacts');

    await page.getByLabel('Tag', { exact: true }).fill('cobol');
    await page.waitForURL(/tag=cobol/);
    const rows = page.getByRole('table', { name: 'Contacts, newest first' }).getByRole('row');
    // The header row and Grace's: the list has been re-read with the filter.
    await waitFor(
      () => rows.count(),
      (count) => count === 2,
      { description: 'the list filtered by tag' },
    );
    await rows.filter({ hasText: 'Grace Hopper' }).waitFor();

    await page.getByRole('button', { name: 'Opt out Grace Hopper' }).click();
    await rows
      .filter({ hasText: 'Grace Hopper' })
      .getByText(/^Opted out/)
      .waitFor();
    expect((await server.api.contacts('Grace')).items[0].optedOut).toBe(true);

    await page.getByRole('button', { name: 'Opt in Grace Hopper' }).click();
    await rows.filter({ hasText: 'Grace Hopper' }).getByText('Reachable').waitFor();
    expect((await server.api.contacts('Grace')).items[0].optedOut).toBe(false);
    await context.close();
  });

  it('adds a contact by hand and explains an invalid number', async () => {
    const { page, context } = await openConsole(browser, server.url, PHONE);
    await signIn(page, '/console/contacts');

    await page.getByLabel('Phone number').fill('12');
    await page.getByRole('button', { name: 'Add contact' }).click();
    await page.getByRole('alert').filter({ hasText: /phone/i }).waitFor();

    await page.getByLabel('Phone number').fill('+1 415 555 0130');
    await page.getByLabel('Name (optional)').fill('Katherine Johnson');
    await page.getByRole('button', { name: 'Add contact' }).click();
    await page.getByText('Added Katherine Johnson (+14155550130).').waitFor();
    await page.getByRole('rowheader', { name: 'Katherine Johnson' }).waitFor();

    await captureScreen(page, 'contacts');
    expect(await documentWidth(page)).toBeLessThanOrEqual(PHONE);
    await context.close();
  });
});
