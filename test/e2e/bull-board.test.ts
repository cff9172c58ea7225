import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOARD_PATH } from '../../src/http/board.ts';
import { createApp } from '../../src/http/app.ts';
import type { ImportRecord } from '../../src/imports/import-types.ts';
import { QUEUE_NAMES } from '../../src/queues/names.ts';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.ts';
import { createTestServices, type TestServices } from '../helpers/services.ts';
import { closeAfterAll } from '../helpers/teardown.ts';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = '/tmp/board.png';
const READ_ONLY_SCREENSHOT = '/tmp/board-read-only.png';
/** Secrets the board must never show: the emulator accepts any sk_test_ key, so this one is recognisable. */
const STRIPE_KEY = 'sk_test_board_e2e_key';
const API_TOKEN = 'board-e2e-api-token-0123456789';
const BOARD_USER = 'ops';
const BOARD_PASSWORD = 'board-password-e2e';
const SLOW_ROWS = 160;
/** A slow import: 160 creates at 8 writes/s take about 20 s, several of the board's 5 s polls. */
const WRITE_RPS = '8';

let emulator: TestEmulator;
let services: TestServices;
let browser: Browser;
const servers: Server[] = [];
let board: string;
let readOnlyBoard: string;
/** An import that has finished before any test opens the board: 3 created, 1 failed row (a job log line). */
let finishedId: string;

async function listen(app: ReturnType<typeof createApp>): Promise<string> {
  const server = await new Promise<Server>((done) => {
    const s = app.listen(0, '127.0.0.1', () => done(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function upload(csv: string): Promise<string> {
  const res = await fetch(`${board}/v1/imports`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/csv', Authorization: `Bearer ${API_TOKEN}` },
    body: csv,
  });
  const body = (await res.json()) as { id: string };
  if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${JSON.stringify(body)}`);
  return body.id;
}

async function waitForImport(id: string, status: ImportRecord['status'], timeoutMs = 60_000): Promise<ImportRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${board}/v1/imports/${id}`, { headers: { Authorization: `Bearer ${API_TOKEN}` } });
    const record = (await res.json()) as ImportRecord;
    if (record.status === status) return record;
    if (Date.now() > deadline) throw new Error(`import ${id} is ${record.status}, not ${status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A logged-in tab on a board that records every console error, failed request and >= 400 answer. */
interface BoardTab {
  page: Page;
  problems: string[];
  /** Bodies of the board's API answers: what the UI shows comes from them. */
  apiBodies: Promise<string>[];
  close(): Promise<void>;
}

async function openBoard(origin: string): Promise<BoardTab> {
  const context = await browser.newContext({
    httpCredentials: { username: BOARD_USER, password: BOARD_PASSWORD },
    viewport: { width: 1280, height: 900 },
  });
  // The board links IBM Plex from Google Fonts and its policy allows it; the test machine is offline, so the
  // stylesheet is answered here. A policy that blocked it would still show: Chromium checks it before routing.
  await context.route('https://fonts.googleapis.com/**', (route) =>
    route.fulfill({ status: 200, contentType: 'text/css', body: '/* fonts answered by the test */' }),
  );
  const page = await context.newPage();
  const problems: string[] = [];
  const apiBodies: Promise<string>[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('requestfailed', (req) => {
    const reason = req.failure()?.errorText ?? '';
    // The board polls its API; a poll in flight when the test navigates away is aborted, which is not a fault.
    if (reason === 'net::ERR_ABORTED' && ['fetch', 'xhr'].includes(req.resourceType())) return;
    problems.push(`request failed: ${req.url()} (${reason})`);
  });
  page.on('response', (res) => {
    if (!res.url().startsWith(origin)) return;
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
    else if (res.url().includes(`${BOARD_PATH}/api/`)) apiBodies.push(res.text().catch(() => ''));
  });
  return { page, problems, apiBodies, close: () => context.close() };
}

/** The number after `processed:` in the Progress tab of an open job page. */
async function processedShown(page: Page): Promise<number | null> {
  const text = await page.getByRole('tabpanel').innerText();
  const match = /processed:\s*(\d+)/.exec(text);
  return match ? Number(match[1]) : null;
}

function jobUrl(origin: string, id: string): string {
  return `${origin}${BOARD_PATH}/queue/${QUEUE_NAMES.import}/${id}`;
}

/** Every menu item behind the menu buttons of the page (queue and overview menus). */
async function menuItems(page: Page): Promise<string[]> {
  const items: string[] = [];
  const triggers = page.locator('main button[aria-haspopup="menu"]');
  for (let i = 0; i < (await triggers.count()); i++) {
    await triggers.nth(i).click();
    await page.getByRole('menu').waitFor();
    items.push(...(await page.getByRole('menuitem').allInnerTexts()));
    await page.keyboard.press('Escape');
    await page.getByRole('menu').waitFor({ state: 'hidden' });
  }
  return items;
}

function expectNoSecret(text: string): void {
  expect(text).not.toContain(STRIPE_KEY);
  expect(text).not.toContain(API_TOKEN);
}

const closing = closeAfterAll();

beforeAll(async () => {
  // Guarded, never skipped: a machine without Chromium must fail loudly, or the board would ship untested.
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium) to run the e2e tests.`);
  }
  emulator = closing(await startTestEmulator());
  services = closing(
    createTestServices({
      emulatorUrl: emulator.url,
      key: STRIPE_KEY,
      env: { API_TOKEN, BOARD_USER, BOARD_PASSWORD, STRIPE_WRITE_RPS: WRITE_RPS, STRIPE_READ_RPS: '100' },
    }),
  );
  services.startWorkers();
  board = await listen(createApp(services));
  // The same queues behind a board for people who only watch (BOARD_READ_ONLY=true).
  const readOnlyConfig = { ...services.config, board: { ...services.config.board, readOnly: true } };
  readOnlyBoard = await listen(createApp({ ...services, config: readOnlyConfig }));
  browser = closing(
    await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    }),
  );
  finishedId = await upload('email,name\nada@example.com,Ada\nbob@example.com,Bob\ncy@example.com,Cy\nnot-an-email,Broken\n');
  await waitForImport(finishedId, 'completed');
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  }
});

describe('Bull Board in a browser', () => {
  it('shows both queues, a running import whose progress moves, and a finished one', { timeout: 120_000 }, async () => {
    const tab = await openBoard(board);
    const { page } = tab;
    try {
      const rows = Array.from({ length: SLOW_ROWS }, (_, i) => `slow${i}@example.com,Slow ${i}`);
      const slowId = await upload(`email,name\n${rows.join('\n')}\n`);

      await page.goto(`${board}${BOARD_PATH}`);
      const main = page.locator('main');
      await main.getByText(QUEUE_NAMES.import, { exact: true }).waitFor();
      await main.getByText(QUEUE_NAMES.export, { exact: true }).waitFor();

      // The operator's way in: the queue's card, then the job.
      await main.getByRole('link', { name: QUEUE_NAMES.import }).click();
      await page.waitForURL(/\/queue\/import-customers/);
      await main.getByRole('link', { name: slowId }).click();
      await page.waitForURL(jobUrl(board, slowId));
      await page.getByRole('tab', { name: 'Progress' }).click();

      // Two reads of the same open page, refreshed by the board's own polling: the count must grow.
      let first = 0;
      await expect
        .poll(async () => {
          first = (await processedShown(page)) ?? 0;
          return first > 0 && first < SLOW_ROWS;
        }, { timeout: 30_000, interval: 250 })
        .toBe(true);
      await page.screenshot({ path: SCREENSHOT });
      await expect.poll(async () => (await processedShown(page)) ?? 0, { timeout: 30_000, interval: 250 }).toBeGreaterThan(first);
      await waitForImport(slowId, 'completed', 90_000);

      // The finished import: its return value, its final progress and the log line of its bad row.
      await page.goto(jobUrl(board, finishedId));
      await page.getByText(finishedId).first().waitFor();
      const data = page.getByRole('tabpanel');
      await expect.poll(() => data.innerText()).toMatch(/status:\s*"completed"/);
      expect(await data.innerText()).toMatch(/created:\s*3/);
      await page.getByRole('tab', { name: 'Progress' }).click();
      await expect.poll(() => processedShown(page)).toBe(4);
      await page.getByRole('tab', { name: 'Logs' }).click();
      await expect.poll(() => page.getByRole('tabpanel').innerText()).toContain('not-an-email');
      await page.getByRole('tab', { name: 'Options' }).click();
      const shown = [await page.locator('body').innerText(), await page.content(), ...(await Promise.all(tab.apiBodies))].join('\n');
      expect(shown).toContain(finishedId);
      expectNoSecret(shown);

      // The controls a read-only board must hide are here on this one (so their absence there means something).
      expect(await page.locator('[data-base-ui-tooltip-trigger] button').count()).toBe(3); // Duplicate, Retry, Clean
      await page.goto(`${board}${BOARD_PATH}/queue/${QUEUE_NAMES.import}?status=completed`);
      await page.getByRole('button', { name: 'Retry all' }).waitFor();
      expect(await page.getByRole('button', { name: 'Clean all' }).count()).toBe(1);
      expect(await menuItems(page)).toEqual(expect.arrayContaining(['Add job', 'Pause', 'Empty', 'Obliterate']));

      expect(tab.problems).toEqual([]);
    } finally {
      await tab.close();
    }
  });

  it('renders read-only (BOARD_READ_ONLY=true) without any control, and its API refuses changes', async () => {
    const tab = await openBoard(readOnlyBoard);
    const { page } = tab;
    try {
      await page.goto(`${readOnlyBoard}${BOARD_PATH}`);
      const main = page.locator('main');
      await main.getByText(QUEUE_NAMES.import, { exact: true }).waitFor();
      await main.getByText(QUEUE_NAMES.export, { exact: true }).waitFor();
      await page.getByText('read-only', { exact: true }).waitFor();
      expect(await menuItems(page)).not.toContain('Pause all');

      await page.goto(`${readOnlyBoard}${BOARD_PATH}/queue/${QUEUE_NAMES.import}?status=completed`);
      await page.getByText(finishedId).first().waitFor();
      expect(await page.getByRole('button', { name: 'Retry all' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Clean all' }).count()).toBe(0);
      const items = await menuItems(page);
      for (const control of ['Add job', 'Pause', 'Empty', 'Obliterate']) expect(items).not.toContain(control);

      await page.goto(jobUrl(readOnlyBoard, finishedId));
      await page.getByRole('tab', { name: 'Progress' }).click();
      await expect.poll(() => processedShown(page)).toBe(4);
      expect(await page.locator('[data-base-ui-tooltip-trigger] button').count()).toBe(0);
      await page.screenshot({ path: READ_ONLY_SCREENSHOT });
      expectNoSecret(await page.locator('body').innerText());
      expect(tab.problems).toEqual([]);
    } finally {
      await tab.close();
    }

    // The API behind the hidden controls: bull-board answers 405 on a read-only queue and changes nothing.
    const auth = `Basic ${Buffer.from(`${BOARD_USER}:${BOARD_PASSWORD}`).toString('base64')}`;
    const put = (path: string) => fetch(`${readOnlyBoard}${BOARD_PATH}/api/queues/${path}`, { method: 'PUT', headers: { Authorization: auth } });
    const pause = await put(`${QUEUE_NAMES.import}/pause`);
    expect(pause.status).toBe(405);
    expect(await pause.text()).toContain('QUEUE_READ_ONLY');
    expect((await put(`${QUEUE_NAMES.import}/${finishedId}/clean`)).status).toBe(405);
    expect((await put(`${QUEUE_NAMES.import}/${finishedId}/retry`)).status).toBe(405);
    expect((await put('pause')).status).toBeLessThan(500); // "pause all" skips read-only queues
    expect(await services.queues.import.isPaused()).toBe(false);
    expect(await services.queues.export.isPaused()).toBe(false);
    expect(await services.queues.import.getJobState(finishedId)).toBe('completed');
  });
});
