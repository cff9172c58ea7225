import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { exportDir } from '../../../src/exports/export-paths.ts';
import { apiError, apiList, apiRecord } from '../../helpers/api-json.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { createExportHarness, type ExportHarness } from './export-harness.ts';

describe('export HTTP API', () => {
  let h: ExportHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = await createExportHarness();
    // Whichever harness `h` is by then: the last test replaces it with a slower one.
    closing.defer(() => h.close());
    await h.emulator.admin.seed({ count: 50, template: { email: 'u{i}@example.com', created: 1_700_000_000 }, createdStep: 60 });
  });

  it('answers 400 naming unknown fields and bad values, and queues nothing', async () => {
    const cases: Array<[unknown, string[]]> = [
      [{ colums: ['id'] }, ['colums: unknown field']],
      [{ created: { gte: 'yesterday' } }, ['created.gte']],
      [{ created: { since: 1 } }, ['created.since: unknown field']],
      [{ columns: ['id', 'password'] }, ["unknown column 'password'"]],
      [{ gzip: 'yes', email: 42 }, ['gzip', 'email']],
      [{ query: "name:'x'", created: { gte: 1 } }, ['created: cannot be combined with query']],
      [{ metadata_columns: ['bad[key]'] }, ['metadata_columns.0']],
      [[1, 2], ['body']],
      // Checked before queueing: a typo used to be a 202, then a job failing on Stripe's 400.
      [{ query: "emial:'a@example.com'" }, ["query: not a valid Stripe search query: 'emial' is not a searchable customer field"]],
      [{ query: "email:'a@example.com' AND" }, ['query: not a valid Stripe search query: expected a field']],
    ];
    for (const [body, expected] of cases) {
      const res = await h.request('POST', '/v1/exports', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(apiError(res.body).code).toBe('invalid_request');
      for (const text of expected) expect(apiError(res.body).message).toContain(text);
    }
    const bad = await fetch(`${h.baseUrl}/v1/exports`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{nope' });
    expect(bad.status).toBe(400);
    expect(await h.services.queues.export.getJobCounts('waiting', 'active', 'delayed')).toEqual({ waiting: 0, active: 0, delayed: 0 });
    expect(apiList((await h.request('GET', '/v1/exports')).body)).toEqual([]);
  });

  it('answers 404 for unknown or malformed ids', async () => {
    for (const path of ['/v1/exports/exp_00000000000000000000', '/v1/exports/exp_short', '/v1/exports/exp_x/file']) {
      const res = await h.request('GET', path);
      expect(res.status, path).toBe(404);
    }
    expect((await h.request('DELETE', '/v1/exports/exp_00000000000000000000')).status).toBe(404);
  });

  it('queues an export (202), refuses the file until it is complete (409), cancels it while queued', async () => {
    const created = await h.createExport({ gzip: true });
    expect(created).toMatchObject({ status: 'queued', links: { self: `/v1/exports/${created.id}`, file: `/v1/exports/${created.id}/file` } });
    expect(created.id).toMatch(/^exp_[A-Za-z0-9]{20}$/);
    expect((await h.services.queues.export.getJob(created.id))?.data).toEqual({ exportId: created.id });
    const early = await h.request('GET', `/v1/exports/${created.id}/file`);
    expect(early.status).toBe(409);
    expect(apiError(early.body).code).toBe('export_not_ready');
    const cancelled = await h.request('DELETE', `/v1/exports/${created.id}`);
    expect(cancelled.status).toBe(200);
    expect(apiRecord(cancelled.body).status).toBe('cancelled');
    expect(await h.services.queues.export.getJob(created.id)).toBeUndefined();
    expect((await h.request('DELETE', `/v1/exports/${created.id}`)).status).toBe(409);
  });

  it('runs, lists recent exports newest first, and streams the file', async () => {
    h.startWorker();
    const first = await h.exportFile();
    const second = await h.exportFile({ columns: ['id', 'email'] });
    expect(second.file.header).toEqual(['id', 'email']);
    expect(second.file.rows).toHaveLength(50);
    const list = await h.request('GET', '/v1/exports?limit=2');
    expect(apiList(list.body).map((e) => e.id)).toEqual([second.record.id, first.record.id]);
    expect((await h.request('GET', '/v1/exports?limit=0')).status).toBe(400);
    const record = await h.get(first.record.id);
    expect(record).toMatchObject({ status: 'completed', counts: { customers: 50 }, error: null });
    expect(first.file.headers.get('content-length')).toBe(String(record.file?.bytes));
    // Part files are gone once the final file is written.
    expect(existsSync(`${exportDir(h.services.config.dataDir, first.record.id)}/parts`)).toBe(false);
    expect((await h.request('DELETE', `/v1/exports/${first.record.id}`)).status).toBe(409);
  });

  it('cancels a running export: it stops and deletes its files', async () => {
    // A slow export (5 reads/s, one page in flight) so it is surely mid-way when cancelled.
    await h.close();
    h = await createExportHarness({ env: { STRIPE_READ_RPS: '5', EXPORT_PAGES_IN_FLIGHT: '1' } });
    await h.emulator.admin.seed({ count: 3000, template: { email: 'bulk{i}@example.com', created: 1_600_000_000 }, createdStep: 1 });
    h.startWorker();
    const created = await h.createExport();
    await h.waitFor(created.id, ['running'], 10_000, (e) => e.counts.pages >= 2);
    const res = await h.request('DELETE', `/v1/exports/${created.id}`);
    expect(apiRecord(res.body).status).toBe('cancelled');
    const job = await h.services.queues.export.getJob(created.id);
    for (let i = 0; i < 100 && !(await job?.isCompleted()); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await job?.isCompleted()).toBe(true);
    const record = await h.get(created.id);
    expect(record.status).toBe('cancelled');
    expect(record.counts.customers).toBeLessThan(3000);
    expect(existsSync(exportDir(h.services.config.dataDir, created.id))).toBe(false);
    expect((await h.request('GET', `/v1/exports/${created.id}/file`)).status).toBe(409);
  });
});

describe('export schedule HTTP API', () => {
  let h: ExportHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createExportHarness());
  });

  it('validates the cron, the time zone and the options', async () => {
    for (const [body, text] of [
      [{ cron: 'every night' }, 'cron'],
      [{ cron: '0 3 * * *', tz: 'Nowhere/Land' }, 'tz'],
      [{ cron: '0 3 * * *', keep: -1 }, 'keep'],
      [{ cron: '0 3 * * *', colums: [] }, 'colums: unknown field'],
      [{}, 'cron'],
    ] as const) {
      const res = await h.request('POST', '/v1/export-schedules', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(apiError(res.body).message).toContain(text);
    }
    expect(await h.services.queues.export.getJobSchedulersCount()).toBe(0);
  });

  it('refuses a schedule more frequent than EXPORT_SCHEDULE_MIN_INTERVAL_MINUTES (default 15) with 400', async () => {
    for (const cron of ['* * * * * *', '* * * * *', '*/14 * * * *']) {
      const res = await h.request('POST', '/v1/export-schedules', { cron });
      expect(res.status, cron).toBe(400);
      expect(apiError(res.body).code).toBe('invalid_request');
      expect(apiError(res.body).message).toContain('at most once every 15 min (EXPORT_SCHEDULE_MIN_INTERVAL_MINUTES)');
    }
    expect(await h.services.queues.export.getJobSchedulersCount()).toBe(0);
    const ok = await h.request('POST', '/v1/export-schedules', { cron: '*/15 * * * *' });
    expect(ok.status).toBe(201);
    expect((await h.request('DELETE', `/v1/export-schedules/${apiRecord(ok.body).id}`)).status).toBe(200);
  });

  it('creates a job scheduler, lists it with its next run, deletes it', async () => {
    const res = await h.request('POST', '/v1/export-schedules', { cron: '0 0 3 * * *', tz: 'Europe/Paris', keep: 3, gzip: true });
    expect(res.status).toBe(201);
    const id = apiRecord(res.body).id;
    expect(res.body).toMatchObject({ cron: '0 0 3 * * *', tz: 'Europe/Paris', keep: 3, options: { gzip: true } });
    const scheduler = await h.services.queues.export.getJobScheduler(id);
    expect(scheduler).toMatchObject({ pattern: '0 0 3 * * *', tz: 'Europe/Paris' });
    const list = await h.request('GET', '/v1/export-schedules');
    const schedules = apiList(list.body);
    expect(schedules).toHaveLength(1);
    const next = Date.parse(z.string().parse(schedules[0]!.next_run_at));
    expect(next).toBeGreaterThan(Date.now());
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', hour12: false }).format(next)).toBe('03');
    expect(apiRecord((await h.request('GET', `/v1/export-schedules/${id}`)).body).id).toBe(id);
    expect((await h.request('DELETE', `/v1/export-schedules/${id}`)).status).toBe(200);
    expect(await h.services.queues.export.getJobSchedulersCount()).toBe(0);
    expect(apiList((await h.request('GET', '/v1/export-schedules')).body)).toEqual([]);
    expect((await h.request('DELETE', `/v1/export-schedules/${id}`)).status).toBe(404);
  });
});
