import { existsSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import express from 'express';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { createUiRouter } from '../../src/http/routes/ui-routes.ts';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.ts';
import { createTestServices, type TestServices } from '../helpers/services.ts';

const CHROMIUM = '/usr/bin/chromium';
const API_TOKEN = 'e2e-test-token-0123456789';
const SCREENSHOT = '/tmp/stripe-bulk-upload-page.png';

let emulator: TestEmulator;
let services: TestServices;
let server: Server;
let browser: Browser;
let page: Page;
let baseUrl: string;
let workDir: string;
/** Uncaught exceptions in the page's JavaScript: every test must end with none. */
const pageErrors: string[] = [];

beforeAll(async () => {
  // Guarded, never skipped: a machine without Chromium must fail loudly, or the page would ship untested.
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium) to run the e2e tests.`);
  }
  emulator = await startTestEmulator();
  services = createTestServices({ emulatorUrl: emulator.url, env: { API_TOKEN } });
  services.startWorkers();
  const app = express();
  app.use(createUiRouter());
  app.use(createApp(services));
  server = await new Promise((done) => {
    const s = app.listen(0, '127.0.0.1', () => done(s));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  workDir = mkdtempSync(join(tmpdir(), 'stripe-bulk-e2e-'));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

afterAll(async () => {
  await page?.context().close();
  await browser?.close();
  server?.closeAllConnections();
  if (server) await new Promise((done) => server.close(done));
  await services?.close();
  await emulator?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

beforeEach(async () => {
  // One tab for the file (a new one costs seconds on a busy machine); each test starts from a fresh load without a token.
  if (!page) {
    page = await (await browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 1000 } })).newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
  }
  await page.goto(baseUrl + '/');
  await page.evaluate(() => sessionStorage.clear());
  await page.reload();
  // Without a token the API answers 401 and the page opens the token panel by itself.
  await page.locator('#token-panel[open]').waitFor();
  await page.getByLabel('API token (kept in this tab only)').fill(API_TOKEN);
  await page.getByRole('button', { name: 'Use token' }).click();
  await expect.poll(() => page.locator('#token-state').textContent()).toContain('A token is set');
});

afterEach(() => {
  const errors = pageErrors.splice(0);
  expect(errors).toEqual([]);
});

function writeCsv(name: string, text: string): string {
  const path = join(workDir, name);
  writeFileSync(path, text);
  return path;
}

describe('upload page', () => {
  it('uploads a CSV, shows progress and counts, and serves the results', async () => {
    const file = writeCsv('people.csv', 'email,name\nmarie@example.com,Marie Curie\npierre@example.com,Pierre Curie\n');
    await page.getByLabel('CSV file').setInputFiles(file);
    await page.getByLabel('Mode').selectOption('upsert');
    await page.getByRole('button', { name: 'Upload' }).click();

    await page.locator('#import-status[data-status="completed"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('#count-total').textContent()).toBe('2');
    expect(await page.locator('#count-created').textContent()).toBe('2');
    expect(await page.locator('#count-failed').textContent()).toBe('0');
    expect(await page.locator('#import-bar').getAttribute('value')).toBe('2');
    await expect.poll(() => page.locator('#imports-body').textContent()).toContain('people.csv');

    const results = page.getByRole('link', { name: 'Download the results CSV' });
    const [download] = await Promise.all([page.waitForEvent('download'), results.click()]);
    const path = await download.path();
    const rows = parse(readFileSync(path), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.email, r.action])).toEqual([
      ['marie@example.com', 'created'],
      ['pierre@example.com', 'created'],
    ]);
    expect(await page.locator('#error-box').isHidden()).toBe(true);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it("shows the server's message verbatim for a bad header", async () => {
    const file = writeCsv('bad.csv', 'email,naem\nx@example.com,X\n');
    await page.getByLabel('CSV file').setInputFiles(file);
    await page.getByRole('button', { name: 'Upload' }).click();
    const box = page.getByRole('alert');
    await box.waitFor({ state: 'visible' });
    const text = (await box.textContent()) ?? '';
    expect(text).toContain('HTTP 400 invalid_header');
    expect(text).toContain('naem');
    expect(await page.locator('#import-progress').isHidden()).toBe(true);
  });

  it('starts a full export and offers its file', async () => {
    await page.getByRole('button', { name: 'Start a full export' }).click();
    const link = page.locator('#exports-body a', { hasText: 'CSV' }).first();
    await link.waitFor({ timeout: 30_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const rows = parse(readFileSync(await download.path()), { columns: true, bom: true }) as Record<string, string>[];
    const live = await emulator.admin.customers();
    expect(rows.map((r) => r.id).sort()).toEqual(live.map((c) => c.id).sort());
  });

  it('without a token, says so from the API instead of failing silently', async () => {
    await page.getByRole('button', { name: 'Forget' }).click();
    await page.reload();
    const box = page.getByRole('alert');
    await box.waitFor({ state: 'visible' });
    expect(await box.textContent()).toContain('HTTP 401');
    expect(await page.locator('#token-panel').getAttribute('open')).not.toBeNull();
  });
});
