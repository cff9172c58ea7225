import { beforeAll, describe, expect, it } from 'vitest';
import { apiError, apiRecord } from '../../helpers/api-json.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { createExportHarness, exited, idsOf, type ExportHarness, type ExportJson } from './export-harness.ts';

const ACCT = 'acct_1ExportConn';

/** Exports with `account`: only that connected account's customers, through Stripe-Account; the platform's stay out. */
describe('exports of a connected account', () => {
  let h: ExportHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createExportHarness({ env: { STRIPE_READ_RPS: '40', EXPORT_PAGES_IN_FLIGHT: '4', EXPORT_SCHEDULE_MIN_INTERVAL_MINUTES: '0' } }));
    await h.emulator.admin.seed({ count: 700, template: { email: 'plat{i}@example.com', created: 1_650_000_000 }, createdStep: 7 });
    await h.emulator.admin.seed({ count: 1200, template: { email: 'conn{i}@example.com', created: 1_650_000_000 }, createdStep: 3, account: ACCT });
    await h.emulator.admin.seed({ count: 600, template: { email: 'burst{i}@example.com', created: 1_660_000_000 }, account: ACCT });
  });

  const accountIds = async () => (await h.emulator.admin.customers(ACCT)).map((c) => c.id);

  it('holds exactly the connected account\'s customers, and the record shows the account', async () => {
    h.startWorker();
    const { record, file } = await h.exportFile({ account: ACCT, columns: ['id', 'email'] });
    expect(record.options.account).toBe(ACCT);
    // Bull Board shows the job's data: the account is there too.
    expect((await h.services.queues.export.getJob(record.id))?.data).toEqual({ exportId: record.id, account: ACCT });
    expect(record.counts.customers).toBe(1800);
    const ids = idsOf(file);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(await accountIds());
    // And the platform's export holds none of them.
    const platform = idsOf((await h.exportFile({ columns: ['id', 'email'] })).file);
    expect(platform).toEqual((await h.emulator.admin.customers()).map((c) => c.id));
    expect(platform.filter((id) => ids.includes(id))).toEqual([]);
    // Search exports too.
    const searched = await h.exportFile({ account: ACCT, query: "email~'conn1'", columns: ['id', 'email'] });
    expect(searched.file.rows.length).toBeGreaterThan(0);
    expect(searched.file.rows.every((r) => r[1]?.startsWith('conn1'))).toBe(true);
  });

  it('refuses a malformed account with 400 naming it, nothing queued; a schedule too', async () => {
    const before = await h.services.queues.export.getJobCounts();
    for (const account of ['acct-1', 'cus_1', 'acct_', 42]) {
      const res = await h.request('POST', '/v1/exports', { account });
      expect(res.status).toBe(400);
      expect(apiError(res.body).message).toMatch(/account: /);
    }
    const schedule = await h.request('POST', '/v1/export-schedules', { cron: '0 * * * *', account: 'acct_no!' });
    expect(schedule.status).toBe(400);
    expect(apiError(schedule.body).message).toMatch(/account: must be a connected account id/);
    expect(await h.services.queues.export.getJobCounts()).toEqual(before);
  });

  it('a schedule keeps the account: its runs export the connected account', async () => {
    const created = await h.request('POST', '/v1/export-schedules', { cron: '* * * * * *', keep: 1, account: ACCT, columns: ['id'] });
    expect(created.status).toBe(201);
    const schedule = apiRecord(created.body) as { id: string; options: { account?: string } };
    expect(schedule.options.account).toBe(ACCT);
    const deadline = Date.now() + 30_000;
    let run: ExportJson | undefined;
    while (run === undefined) {
      const list = (await h.request('GET', `/v1/exports?schedule_id=${schedule.id}&limit=10`)).body as { data: ExportJson[] };
      run = list.data.find((r) => r.status === 'completed');
      if (Date.now() > deadline) throw new Error('no completed run');
      if (run === undefined) await new Promise((r) => setTimeout(r, 200));
    }
    expect((await h.request('DELETE', `/v1/export-schedules/${schedule.id}`)).status).toBe(200);
    expect(run.options.account).toBe(ACCT);
    expect(idsOf(await h.download(run.id))).toEqual(await accountIds());
  });

  it('an account Stripe refuses fails the export at once, naming account_invalid', async () => {
    const created = await h.createExport({ account: 'acct_1NotConnected' });
    const done = await h.waitFor(created.id, ['failed', 'completed']);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/403 account_invalid/);
  });
});

describe('exports of a connected account after kill -9', () => {
  let h: ExportHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    // No in-process worker here: only the spawned processes may take the export.
    h = closing(await createExportHarness({ env: { STRIPE_READ_RPS: '10', EXPORT_PAGES_IN_FLIGHT: '4' } }));
    await h.emulator.admin.seed({ count: 500, template: { email: 'plat{i}@example.com', created: 1_650_000_000 }, createdStep: 7 });
    await h.emulator.admin.seed({ count: 2400, template: { email: 'conn{i}@example.com', created: 1_650_000_000 }, createdStep: 3, account: ACCT });
    await h.emulator.admin.seed({ count: 600, template: { email: 'burst{i}@example.com', created: 1_660_000_000 }, account: ACCT });
  });

  it('kill -9 mid-export of a connected account: a new worker resumes, every customer exactly once', async () => {
    const first = h.spawnWorker();
    const created = await h.createExport({ account: ACCT, columns: ['id', 'email'] });
    await h.waitFor(created.id, ['running'], 30_000, (e) => e.counts.pages >= 3);
    first.kill('SIGKILL');
    await exited(first);
    expect((await h.get(created.id)).counts.customers).toBeLessThan(3000);
    const second = h.spawnWorker({ STRIPE_READ_RPS: '200' });
    const done = await h.waitFor(created.id, ['completed', 'failed'], 45_000);
    second.kill('SIGKILL');
    await exited(second);
    expect(done.status).toBe('completed');
    const ids = idsOf(await h.download(created.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual((await h.emulator.admin.customers(ACCT)).map((c) => c.id));
  });
});
