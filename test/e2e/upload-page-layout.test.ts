import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiRecord } from '../helpers/api-json.ts';
import { closeAfterAll } from '../helpers/teardown.ts';
import { API_TOKEN, openWithToken, startPageHarness, type PageHarness } from './page-harness.ts';

const LONG_NAME = 'customers-2026-12-03-north-america-enterprise-accounts-final-v2.csv';

let harness: PageHarness;
let runningImport = '';

/** Posts a CSV the way the CLI does (multipart), answering the import's id. */
async function upload(name: string, csv: string, fields: Record<string, string> = {}): Promise<string> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([csv], { type: 'text/csv' }), name);
  const res = await fetch(`${harness.baseUrl}/v1/imports`, { method: 'POST', headers: { authorization: `Bearer ${API_TOKEN}` }, body: form });
  const body = (await res.json()) as { id: string };
  expect(res.status).toBe(202);
  return body.id;
}

async function waitFor(path: string, done: (body: Record<string, unknown>) => boolean): Promise<void> {
  // Bounded: 30 s at most.
  for (let i = 0; i < 150; i++) {
    if (done((await harness.api('GET', path)).body)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${path} did not get there in 30 s`);
}

const closing = closeAfterAll();

beforeAll(async () => {
  // Slow writes keep one import running while the screenshots are taken (its row has a rate and a Cancel button).
  // A schedule firing every second makes a scheduled export at once: the minimum interval is lifted for this test.
  harness = closing(await startPageHarness({ env: { STRIPE_WRITE_RPS: '10', STRIPE_READ_RPS: '200', EXPORT_SCHEDULE_MIN_INTERVAL_MINUTES: '0' } }));
  const done = (b: Record<string, unknown>) => b.status === 'completed';
  await waitFor(`/v1/imports/${await upload(LONG_NAME, 'email,name\na@example.com,A\nb@example.com,B\n', { mode: 'upsert', dry_run: 'true' })}`, done);
  await waitFor(`/v1/imports/${await upload('people.csv', 'email,name\nc@example.com,C\nnot-an-email,D\n')}`, done);
  const scheduled = apiRecord((await harness.api('POST', '/v1/export-schedules', { cron: '* * * * * *', tz: 'Europe/Paris', columns: ['id', 'email'] })).body);
  await waitFor('/v1/exports', (b) => (b.data as { schedule_id: string | null }[]).some((e) => e.schedule_id === scheduled.id));
  await harness.api('DELETE', `/v1/export-schedules/${scheduled.id}`);
  await harness.api('POST', '/v1/export-schedules', { cron: '0 3 * * *', tz: 'America/Argentina/Buenos_Aires', query: "metadata['plan']:'enterprise'", metadata_columns: ['plan', 'region'] });
  const gz = await harness.api('POST', '/v1/exports', { gzip: true, columns: ['id', 'email', 'name', 'created'] });
  await waitFor('/v1/exports', (b) => (b.data as { status: string }[]).every((e) => e.status === 'completed'));
  expect(gz.status).toBe(202);
  const rows = Array.from({ length: 400 }, (_, i) => `slow${i}@example.com,Slow ${i}`).join('\n');
  runningImport = await upload('slow.csv', `email,name\n${rows}\n`);
  await waitFor(`/v1/imports/${runningImport}`, (b) => (b.counts as { processed: number }).processed > 0);
});

afterAll(async () => {
  if (runningImport) await harness.api('DELETE', `/v1/imports/${runningImport}`);
});

afterEach(() => {
  const errors = harness.pageErrors.splice(0);
  expect(errors).toEqual([]);
});

/** Everything that was seen broken at 400 px, measured in the page; answers a list of problems (empty when fine). */
function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const width = window.innerWidth;
    const name = (e: Element) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${e.className} "${e.textContent.trim().slice(0, 40)}"`;
    if (document.documentElement.scrollWidth > width) problems.push(`page is ${document.documentElement.scrollWidth} px wide in a ${width} px window`);
    const inside = (inner: DOMRect, outer: DOMRect) =>
      inner.left >= outer.left - 0.5 && inner.right <= outer.right + 0.5 && inner.top >= outer.top - 0.5 && inner.bottom <= outer.bottom + 0.5;
    // The stacked tables keep their header row for screen readers, in a 1-px box that nobody sees.
    const visuallyHidden = (e: Element | null): boolean =>
      e !== null && (getComputedStyle(e).clipPath === 'inset(50%)' || visuallyHidden(e.parentElement));
    for (const e of document.querySelectorAll('main *, header *')) {
      if (visuallyHidden(e)) continue;
      const r = e.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.right > width + 0.5 || r.left < -0.5) problems.push(`${name(e)} reaches ${Math.round(r.left)}..${Math.round(r.right)} px`);
      const clipped = getComputedStyle(e).overflowX !== 'visible' && e.scrollWidth > e.clientWidth + 1;
      if (clipped && !(e.classList.contains('filename') && (e as HTMLElement).title === e.textContent)) problems.push(`${name(e)} is clipped`);
    }
    for (const e of document.querySelectorAll('td .badge, td code, td .filename, td button, td a')) {
      const cell = e.closest('td')!;
      if (!inside(e.getBoundingClientRect(), cell.getBoundingClientRect())) problems.push(`${name(e)} spills out of its cell`);
    }
    // Ids, statuses and file names are never broken inside a word: each stays on one line.
    for (const e of document.querySelectorAll('td .badge, td code, td .filename, td .when, td .download')) {
      const lineHeight = parseFloat(getComputedStyle(e).lineHeight) || parseFloat(getComputedStyle(e).fontSize) * 1.4;
      const lines = e.getClientRects().length > 1 ? e.getClientRects().length : Math.round(e.getBoundingClientRect().height / lineHeight);
      if (lines > 1) problems.push(`${name(e)} is on ${lines} lines`);
    }
    for (const e of document.querySelectorAll('#import-progress *')) {
      if (e.getBoundingClientRect().width === 0) continue;
      if (!inside(e.getBoundingClientRect(), document.querySelector('#import-progress')!.getBoundingClientRect())) problems.push(`${name(e)} leaves the progress panel`);
    }
    const dry = document.querySelector('label[for="dry-run-input"]')!;
    if (!inside(dry.getBoundingClientRect(), document.querySelector('#upload-form')!.getBoundingClientRect())) problems.push('the dry-run label leaves its form');
    return problems;
  });
}

describe('upload page layout', () => {
  for (const width of [1400, 1024, 400]) {
    it(`fits a ${width} px window: nothing overflows, spills, is clipped or breaks mid-word`, async () => {
      const page = await harness.newPage(width, 900);
      await openWithToken(page, harness.baseUrl);
      await page.locator('#imports-body button', { hasText: 'Cancel' }).waitFor({ timeout: 15_000 });
      // Its id shows the running import in the progress panel, as after an upload from this tab.
      await page.locator(`#imports-body button[data-follow="${runningImport}"]`).click();
      await page.locator('#import-pace', { hasText: 'rows/s' }).waitFor({ timeout: 15_000 });
      expect(await page.getByRole('button', { name: 'Cancel this import' }).isVisible()).toBe(true);
      await page.locator('#exports-body a', { hasText: 'CSV (gzip)' }).waitFor();
      await page.locator('#schedules-body tr', { hasText: 'Buenos_Aires' }).waitFor();
      await page.locator('#imports-body .note', { hasText: 'rows/s' }).waitFor({ timeout: 15_000 });

      expect(await layoutProblems(page)).toEqual([]);
      const file = page.locator('#imports-body .filename', { hasText: 'north-america' });
      expect(await file.getAttribute('title')).toBe(LONG_NAME);
      expect(await page.locator('#imports-body tr', { hasText: LONG_NAME.slice(0, 12) }).locator('td[data-label="Mode"]').textContent()).toBe('upsert · dry run');
      if (width === 400) {
        // Stacked: each value sits under the previous one with its column's name beside it.
        const label = await page.locator('#imports-body td[data-label="Status"]').first().evaluate((td) => getComputedStyle(td, '::before').content);
        expect(label).toBe('"Status"');
      }
      await page.screenshot({ path: `/tmp/page-${width}.png`, fullPage: true });
      await page.close();
    });
  }
});
