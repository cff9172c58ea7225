import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiList } from '../helpers/api-json.ts';
import { closeAfterAll } from '../helpers/teardown.ts';
import { API_TOKEN, openWithToken, startPageHarness, type PageHarness } from './page-harness.ts';

const SCREENSHOT = '/tmp/stripe-bulk-upload-page.png';

let harness: PageHarness;
let page: Page;

const closing = closeAfterAll();

beforeAll(async () => {
  harness = closing(await startPageHarness());
  // One tab for the file (a new one costs seconds on a busy machine); each test starts from a fresh load.
  page = await harness.newPage(1200, 1000);
});

beforeEach(async () => {
  await openWithToken(page, harness.baseUrl);
});

afterEach(() => {
  const errors = harness.pageErrors.splice(0);
  expect(errors).toEqual([]);
});

const tableTexts = (p: Page) =>
  p.locator('#imports-body, #exports-body, #schedules-body').evaluateAll((bodies) => bodies.map((b) => b.textContent.trim()));

describe('upload page', () => {
  it('uploads a CSV, shows progress and counts, and serves the results', async () => {
    const file = harness.writeFile('people.csv', 'email,name\nmarie@example.com,Marie Curie\npierre@example.com,Pierre Curie\n');
    await page.getByLabel('CSV file').setInputFiles(file);
    await page.getByLabel('Mode').selectOption('upsert');
    await page.getByRole('button', { name: 'Upload' }).click();

    await page.locator('#import-status[data-status="completed"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('#count-total').textContent()).toBe('2');
    expect(await page.locator('#count-created').textContent()).toBe('2');
    expect(await page.locator('#count-failed').textContent()).toBe('0');
    expect(await page.locator('#import-bar').getAttribute('value')).toBe('2');
    expect(await page.locator('#imports-body').textContent()).toContain('people.csv');
    // Over: no cancel button, no rate.
    expect(await page.locator('#import-cancel').isHidden()).toBe(true);

    const results = page.getByRole('link', { name: 'Download the results CSV' });
    const [download] = await Promise.all([page.waitForEvent('download'), results.click()]);
    const path = await download.path();
    const rows = parse<Record<string, string>>(readFileSync(path), { columns: true });
    expect(rows.map((r) => [r.email, r.action])).toEqual([
      ['marie@example.com', 'created'],
      ['pierre@example.com', 'created'],
    ]);
    expect(await page.locator('#error-box').isHidden()).toBe(true);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it("shows the server's message verbatim for a bad header", async () => {
    const file = harness.writeFile('bad.csv', 'email,naem\nx@example.com,X\n');
    await page.getByLabel('CSV file').setInputFiles(file);
    await page.getByRole('button', { name: 'Upload' }).click();
    const box = page.getByRole('alert');
    await box.waitFor({ state: 'visible' });
    const text = (await box.textContent()) ?? '';
    expect(text).toContain('HTTP 400 invalid_header');
    expect(text).toContain('naem');
    expect(await page.locator('#import-progress').isHidden()).toBe(true);
  });

  it('starts a full export and offers its file, with its final size', async () => {
    await page.getByRole('button', { name: 'Start a full export' }).click();
    const link = page.locator('#exports-body a', { hasText: 'CSV' }).first();
    await link.waitFor({ timeout: 30_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const bytes = readFileSync(await download.path());
    const rows = parse<Record<string, string>>(bytes, { columns: true, bom: true });
    const live = await harness.emulator.admin.customers();
    expect(rows.map((r) => r.id).sort()).toEqual(live.map((c) => c.id).sort());
    const row = page.locator('#exports-body tr').first();
    // Customers, as many as the file holds; the size is the downloaded file's (decimal units, as file managers show).
    expect(await row.locator('td[data-label="Objects"]').textContent()).toBe(String(rows.length));
    const size = bytes.length < 1000 ? `${bytes.length} B` : `${(bytes.length / 1000).toFixed(bytes.length < 10_000 ? 1 : 0)} kB`;
    expect(await row.locator('td[data-label="File"]').textContent()).toContain(size);
    expect(await row.textContent()).not.toMatch(/pages/i);
  });

  it('exports connected accounts when the object picker says so, never mixed with customers', async () => {
    await harness.emulator.admin.seedAccounts({ count: 4, template: { email: 'shop{i}@example.com', created: 1_700_000_000 } });
    await page.getByLabel('Object').selectOption('accounts');
    await page.getByRole('button', { name: 'Start a full export' }).click();
    const row = page.locator('#exports-body tr', { hasText: 'connected accounts' }).first();
    const link = row.locator('a', { hasText: 'CSV' });
    await link.waitFor({ timeout: 30_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/^accounts-exp_/);
    const rows = parse<Record<string, string>>(readFileSync(await download.path()), { columns: true, bom: true });
    const accounts = await harness.emulator.admin.accounts();
    expect(rows.map((r) => r.id).sort()).toEqual(accounts.map((a) => a.id).sort());
    expect(rows.every((r) => r.id?.startsWith('acct_'))).toBe(true);
    expect(await row.locator('td[data-label="Objects"]').textContent()).toBe('4');
    const exports = apiList((await harness.api('GET', '/v1/exports')).body);
    expect(exports[0]).toMatchObject({ options: { object: 'accounts' } });
  });

  it('without a token, every table says the server needs one instead of staying on Loading', async () => {
    await page.getByRole('button', { name: 'Forget' }).click();
    await page.reload();
    const needed = 'This server needs an API token: enter it above';
    await expect.poll(() => tableTexts(page)).toEqual([expect.stringContaining(needed), expect.stringContaining(needed), expect.stringContaining(needed)]);
    expect(await page.locator('#token-state').textContent()).toContain(needed);
    expect(await page.locator('#token-panel').getAttribute('open')).not.toBeNull();
    // In the page's words, not the header syntax a browser user cannot type.
    expect(await page.locator('body').textContent()).not.toContain('Bearer');

    // An upload says the same, and nothing is queued.
    await page.getByLabel('CSV file').setInputFiles(harness.writeFile('tokenless.csv', 'email\nnobody@example.com\n'));
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByRole('alert').waitFor({ state: 'visible' });
    expect(await page.getByRole('alert').textContent()).toContain(needed);
    const imports = await harness.api('GET', '/v1/imports');
    expect(apiList(imports.body).map((r) => r.file_name)).not.toContain('tokenless.csv');
  });

  it('with a wrong token, says the token was rejected', async () => {
    await page.getByLabel('API token (kept in this tab only)').fill('not-the-right-token-at-all');
    await page.getByRole('button', { name: 'Use token' }).click();
    const rejected = 'The token was rejected';
    await expect.poll(() => tableTexts(page)).toEqual([expect.stringContaining(rejected), expect.stringContaining(rejected), expect.stringContaining(rejected)]);
    expect(await page.locator('#token-state').textContent()).toContain(rejected);
    expect(await page.locator('body').textContent()).not.toContain('Loading…');

    // The right token brings the lists back.
    await page.getByLabel('API token (kept in this tab only)').fill(API_TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await expect.poll(() => page.locator('#exports-body').textContent()).not.toContain(rejected);
  });
});
