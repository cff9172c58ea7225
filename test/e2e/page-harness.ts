import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { chromium, type Page } from 'playwright-core';
import { z } from 'zod';
import { createApp } from '../../src/http/app.ts';
import { createUiRouter } from '../../src/http/routes/ui-routes.ts';
import type { EmulatorOptions } from '../../src/emulator/index.ts';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.ts';
import { createTestServices, type TestServices } from '../helpers/services.ts';

const CHROMIUM = '/usr/bin/chromium';
const JSON_OBJECT = z.record(z.string(), z.unknown());
export const API_TOKEN = 'e2e-test-token-0123456789';

/** The API and the page on a free port, the workers, an emulator and a headless Chromium: one per test file. */
export interface PageHarness {
  emulator: TestEmulator;
  services: TestServices;
  baseUrl: string;
  /** Uncaught exceptions and CSP violations of every page opened by newPage(): a test ends with none. */
  pageErrors: string[];
  newPage(width: number, height?: number): Promise<Page>;
  /** Writes a file into a temporary folder removed by close(); answers its path. */
  writeFile(name: string, text: string): string;
  /** Calls the API with the token, as a script would; the answer is a JSON object (read it with helpers/api-json.ts). */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startPageHarness(options: { env?: Record<string, string>; emulator?: EmulatorOptions } = {}): Promise<PageHarness> {
  // Guarded, never skipped: a machine without Chromium must fail loudly, or the page would ship untested.
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium) to run the e2e tests.`);
  }
  const emulator = await startTestEmulator(options.emulator);
  const services = createTestServices({ emulatorUrl: emulator.url, env: { API_TOKEN, ...options.env } });
  services.startWorkers();
  const app = express();
  app.use(createUiRouter());
  app.use(createApp(services));
  const server: Server = await new Promise((done) => {
    const s = app.listen(0, '127.0.0.1', () => done(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const workDir = mkdtempSync(join(tmpdir(), 'stripe-bulk-e2e-'));
  const profile = mkdtempSync(join(tmpdir(), 'stripe-bulk-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
    ],
  });
  const pageErrors: string[] = [];
  return {
    emulator,
    services,
    baseUrl,
    pageErrors,
    async newPage(width, height = 900) {
      const page = await context.newPage();
      await page.setViewportSize({ width, height });
      page.on('pageerror', (err) => pageErrors.push(err.message));
      // The strict policy blocks inline styles and scripts silently, but for this console line.
      page.on('console', (msg) => {
        if (msg.text().includes('Content Security Policy')) pageErrors.push(msg.text());
      });
      return page;
    },
    writeFile(name, text) {
      const path = join(workDir, name);
      writeFileSync(path, text);
      return path;
    },
    async api(method, path, body) {
      const res = await fetch(baseUrl + path, {
        method,
        headers: { authorization: `Bearer ${API_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: JSON_OBJECT.parse(text ? JSON.parse(text) : {}) };
    },
    async close() {
      await context.close();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      await services.close();
      await emulator.close();
      rmSync(workDir, { recursive: true, force: true });
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Loads the page in a fresh tab state and enters the token the way a user does. */
export async function openWithToken(page: Page, baseUrl: string): Promise<void> {
  await page.goto(baseUrl + '/');
  await page.evaluate(() => sessionStorage.clear());
  await page.reload();
  // Without a token the API answers 401 and the page opens the token panel by itself.
  await page.locator('#token-panel[open]').waitFor();
  await page.getByLabel('API token (kept in this tab only)').fill(API_TOKEN);
  await page.getByRole('button', { name: 'Use token' }).click();
  await page.locator('#token-state', { hasText: 'A token is set' }).waitFor();
}
