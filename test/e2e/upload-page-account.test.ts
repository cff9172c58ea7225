import type { Page } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeAfterAll } from '../helpers/teardown.ts';
import { openWithToken, startPageHarness, type PageHarness } from './page-harness.ts';

const ACCT = 'acct_1PageConnected';
let harness: PageHarness;
let page: Page;
const closing = closeAfterAll();

beforeAll(async () => {
  harness = closing(await startPageHarness());
  await harness.emulator.admin.registerAccount(ACCT);
  page = await harness.newPage(1200, 1000);
  await openWithToken(page, harness.baseUrl);
});

afterEach(() => {
  expect(harness.pageErrors.splice(0)).toEqual([]);
});

describe('upload page: connected account', () => {
  it('imports into the connected account typed in the form, and shows it in the panel and the table', async () => {
    const file = harness.writeFile('conn.csv', 'email\npage1@example.com\npage2@example.com\n');
    await page.getByLabel('CSV file').setInputFiles(file);
    await page.getByLabel('Connected account (optional)').fill(ACCT);
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.locator('#import-status[data-status="completed"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('#import-status').textContent()).toContain(`connected account ${ACCT}`);
    await expect.poll(() => page.locator('#imports-body').textContent(), { timeout: 10_000 }).toContain(`account ${ACCT}`);
    const stats = await harness.emulator.admin.stats();
    expect(stats.customers).toBe(0);
    expect(stats.connected_accounts[ACCT]?.customers).toBe(2);
  });

  it('starts an export of the connected account and names it in the contents column', async () => {
    await page.getByLabel('Connected account', { exact: true }).fill(ACCT);
    await page.getByRole('button', { name: 'Start a full export' }).click();
    await expect.poll(() => page.locator('#exports-body').textContent(), { timeout: 30_000 }).toContain(`connected account: ${ACCT}`);
  });
});
