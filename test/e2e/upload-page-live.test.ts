import type { Page } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiRecord } from '../helpers/api-json.ts';
import { closeAfterAll } from '../helpers/teardown.ts';
import { openWithToken, startPageHarness, type PageHarness } from './page-harness.ts';

// Slow enough that a 400-row import and a 20,000-customer export are seen running for several polls.
const RPS = '40';

let harness: PageHarness;
let page: Page;

const closing = closeAfterAll();

beforeAll(async () => {
  // A schedule firing every second makes a scheduled export at once: the minimum interval is lifted for this test.
  harness = closing(
    await startPageHarness({ env: { STRIPE_READ_RPS: RPS, STRIPE_WRITE_RPS: RPS, STRIPE_SEARCH_RPS: RPS, EXPORT_SCHEDULE_MIN_INTERVAL_MINUTES: '0' } }),
  );
  page = await harness.newPage(1400, 1000);
  // The cancel buttons ask first; this user says yes.
  page.on('dialog', (dialog) => void dialog.accept());
  await openWithToken(page, harness.baseUrl);
});

afterEach(() => {
  const errors = harness.pageErrors.splice(0);
  expect(errors).toEqual([]);
});

/** The panel's numbers and the import's table row, read in one go inside the page (no poll can land between). */
function snapshot(p: Page, id: string) {
  return p.evaluate((importId) => {
    const row = [...document.querySelectorAll('#imports-body tr')].find((tr) => tr.textContent.includes(importId));
    const cell = row?.querySelector('td[data-label="Rows"] .rows')?.textContent ?? '';
    return {
      panel: `${document.getElementById('count-processed')?.textContent ?? ''} / ${document.getElementById('count-total')?.textContent ?? ''}`,
      table: cell,
      status: document.getElementById('import-status')?.dataset.status ?? '',
      pace: document.getElementById('import-pace')?.textContent ?? '',
      rowPace: row?.querySelector('td[data-label="Rows"] .note')?.textContent ?? '',
    };
  }, id);
}

describe('upload page, while jobs run', () => {
  it('shows one count in the panel and the table, a rate and time left, and cancels the import', async () => {
    const lines = Array.from({ length: 400 }, (_, i) => `live${i}@example.com,Live ${i}`);
    await page.getByLabel('CSV file').setInputFiles(harness.writeFile('live.csv', `email,name\n${lines.join('\n')}\n`));
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.locator('#import-id:not(:empty)').waitFor();
    const id = (await page.locator('#import-id').textContent()) ?? '';

    const seen: Awaited<ReturnType<typeof snapshot>>[] = [];
    // Up to 30 s: bounded, and the import takes ~10 s at 40 requests per second.
    for (let i = 0; i < 150; i++) {
      const s = await snapshot(page, id);
      seen.push(s);
      const processed = Number(s.panel.split(' / ')[0]?.replace(/,/g, ''));
      if (s.status === 'running' && processed >= 80 && /rows\/s/.test(s.pace) && /left/.test(s.pace)) break;
      await page.waitForTimeout(200);
    }
    const running = seen.filter((s) => s.status === 'running' && s.table !== '');
    // Several polls apart: the two places moved together, not once.
    expect(new Set(running.map((s) => s.panel)).size).toBeGreaterThanOrEqual(2);
    for (const s of running) expect(s.table).toBe(s.panel);
    const last = seen[seen.length - 1]!;
    expect(last.pace).toMatch(/^[\d.]+ rows\/s · about (\d+ s|\d+ min \d+ s) left$/);
    expect(last.rowPace).toMatch(/rows\/s/);

    await page.getByRole('button', { name: 'Cancel this import' }).click();
    await page.locator('#import-status[data-status="cancelled"]').waitFor({ timeout: 30_000 });
    const done = await snapshot(page, id);
    expect(done.table).toBe(done.panel);
    expect(Number(done.panel.split(' / ')[0]?.replace(/,/g, ''))).toBeLessThan(400);
    expect(done.pace).toBe('');
    expect(await page.getByRole('link', { name: 'Download the results CSV' }).isVisible()).toBe(true);
    const record = await harness.api('GET', `/v1/imports/${id}`);
    expect(record.body.status).toBe('cancelled');
    const created = (await harness.emulator.admin.customers()).filter((c) => c.email?.startsWith('live'));
    expect(created.length).toBeLessThan(400);

    // A reload (or a second look later) shows the same import in the panel, with the table's numbers.
    await page.reload();
    await page.locator('#import-status[data-status="cancelled"]').waitFor();
    expect(await page.locator('#import-id').textContent()).toBe(id);
    const again = await snapshot(page, id);
    expect(again.panel).toBe(done.panel);
    expect(again.table).toBe(done.table);
  });

  it('shows which exports a schedule started and which columns they hold, and cancels a running one', async () => {
    const schedule = await harness.api('POST', '/v1/export-schedules', {
      cron: '* * * * * *', tz: 'Europe/Paris', columns: ['id', 'email'],
    });
    expect(schedule.status).toBe(201);
    const scheduleId = apiRecord(schedule.body).id;
    const scheduleRow = page.locator('#schedules-body tr', { hasText: scheduleId });
    await scheduleRow.waitFor({ timeout: 15_000 });
    expect(await scheduleRow.locator('td[data-label="Time zone"]').textContent()).toBe('Europe/Paris');
    expect(await scheduleRow.locator('td[data-label="Next run"]').textContent()).toContain('Europe/Paris');
    expect(await scheduleRow.locator('td[data-label="Contents"]').textContent()).toBe('columns: id, email');

    const scheduled = page.locator('#exports-body tr', { hasText: scheduleId }).first();
    await scheduled.waitFor({ timeout: 15_000 });
    await harness.api('DELETE', `/v1/export-schedules/${scheduleId}`);
    expect(await scheduled.locator('td[data-label="Started by"]').textContent()).toBe(`schedule ${scheduleId}`);
    expect(await scheduled.locator('td[data-label="Contents"]').textContent()).toBe('columns: id, email');

    await harness.emulator.admin.seed({ count: 20_000, template: { email: 'bulk{i}@example.com', name: 'Bulk {i}' } });
    const started = await harness.api('POST', '/v1/exports', { columns: ['id', 'email', 'name'] });
    expect(started.status).toBe(202);
    const startedId = apiRecord(started.body).id;
    const row = page.locator('#exports-body tr', { hasText: startedId });
    await row.locator('.badge', { hasText: 'running' }).waitFor({ timeout: 15_000 });
    expect(await row.locator('td[data-label="Started by"]').textContent()).toBe('you');
    expect(await row.locator('td[data-label="Contents"]').textContent()).toBe('columns: id, email, name');
    await expect.poll(() => row.locator('td[data-label="Objects"] .note').textContent(), { timeout: 15_000 }).toMatch(/customers\/s/);
    await row.getByRole('button', { name: `Cancel ${startedId}` }).click();
    await row.locator('.badge', { hasText: 'cancelled' }).waitFor({ timeout: 15_000 });
    expect(await row.locator('td[data-label="File"]').textContent()).toBe('');
  });
});
