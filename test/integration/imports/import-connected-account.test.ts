import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../../src/queues/names.ts';
import { deleteKeys } from '../../helpers/redis.ts';
import { apiList } from '../../helpers/api-json.ts';
import { createImportHarness, csv, exited, type ImportHarness } from './import-harness.ts';

const ACCT = 'acct_1ImportConn';
const emails = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}@example.com`);

/** Imports with `account=acct_…`: every request sends Stripe-Account; nothing of the platform's is read or written. */
describe('imports into a connected account', () => {
  let h: ImportHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function harness(env: Record<string, string> = {}, latencyMs = 5): Promise<ImportHarness> {
    h = await createImportHarness({ emulator: { latencyMs, jitterMs: 5 }, env });
    await h.emulator.admin.registerAccount(ACCT);
    return h;
  }

  it('creates the rows in the connected account only; the record, the answer and the job name the account', async () => {
    const hh = await harness();
    hh.startWorker();
    const res = await hh.upload(csv('email,name', emails(30, 'conn').map((e, i) => `${e},Row ${i}`)), { account: ACCT });
    expect(res.status).toBe(202);
    const created = (await res.json()) as { id: string; account: string | null };
    expect(created.account).toBe(ACCT);
    const done = await hh.waitFor(created.id, ['completed']);
    expect(done).toMatchObject({ account: ACCT, counts: { total: 30, created: 30, failed: 0 } });
    expect((await hh.services.queues.import.getJob(created.id))?.data).toMatchObject({ account: ACCT });
    const stats = await hh.emulator.admin.stats();
    expect(stats.customers).toBe(0);
    expect(stats.connected_accounts[ACCT]).toEqual({ customers: 30, duplicate_emails: [] });
    const results = await hh.results(created.id);
    const onAccount = new Set((await hh.emulator.admin.customers(ACCT)).map((c) => c.id));
    expect(results.every((r) => r.action === 'created' && onAccount.has(r.customer_id))).toBe(true);
  });

  it('the same emails into the platform and the connected account at once: each created once on each side', async () => {
    const hh = await harness();
    hh.startWorker();
    const rows = emails(40, 'both');
    const [platform, connected] = await Promise.all([
      hh.importCsv(csv('email', rows)),
      hh.importCsv(csv('email', [...rows].reverse()), { account: ACCT }),
    ]);
    const [p, c] = await Promise.all([hh.waitFor(platform, ['completed']), hh.waitFor(connected, ['completed'])]);
    expect(p).toMatchObject({ account: null, counts: { created: 40, skipped: 0, failed: 0 } });
    expect(c).toMatchObject({ account: ACCT, counts: { created: 40, skipped: 0, failed: 0 } });
    const stats = await hh.emulator.admin.stats();
    expect(stats.customers).toBe(40);
    expect(stats.duplicate_emails).toEqual([]);
    expect(stats.connected_accounts[ACCT]).toEqual({ customers: 40, duplicate_emails: [] });
    // A second connected-account import of the same emails finds its own customers (and only those).
    const again = await hh.importCsv(csv('email', rows.slice(0, 10)), { account: ACCT });
    const second = await hh.waitFor(again, ['completed']);
    expect(second.counts).toMatchObject({ created: 0, skipped: 10 });
    const mine = new Set((await hh.emulator.admin.customers(ACCT)).map((x) => x.id));
    expect((await hh.results(again)).every((r) => mine.has(r.customer_id))).toBe(true);
    // The registry keeps the two apart: no registry entry of the platform names a connected customer, nor the reverse.
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await hh.services.redis.scan(cursor, 'MATCH', `${hh.services.prefix}:email-registry:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    expect(keys.filter((k) => k.includes(`:connected:${ACCT}:`))).toHaveLength(40);
    expect(keys).toHaveLength(80);
  });

  it('refuses a malformed account with 400 naming it (query and multipart field): nothing queued, no file left', async () => {
    const hh = await harness();
    const importsDir = join(hh.services.dataDir, 'imports');
    for (const account of ['acct-1', 'cus_123', 'acct_', 'acct_1 OR 1', 'sk_test_abc']) {
      const res = await hh.upload('email\na@x.io\n', { account });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('invalid_request');
      expect(body.error.message).toMatch(/account must be a connected account id such as acct_/);
    }
    const form = new FormData();
    form.append('account', 'acct_bad!');
    form.append('file', new Blob(['email\na@x.io\n'], { type: 'text/csv' }), 'x.csv');
    const multipart = await fetch(`${hh.baseUrl}/v1/imports`, { method: 'POST', body: form });
    expect(multipart.status).toBe(400);
    expect(((await multipart.json()) as { error: { message: string } }).error.message).toContain('account must be a connected account id');
    expect(await hh.services.queues.import.getJobCounts()).toMatchObject({ waiting: 0, active: 0, delayed: 0 });
    expect(existsSync(importsDir) ? readdirSync(importsDir) : []).toEqual([]);
    expect(apiList(await (await fetch(`${hh.baseUrl}/v1/imports`)).json())).toEqual([]);
  });

  it('takes the account from a multipart field too', async () => {
    const hh = await harness();
    hh.startWorker();
    const form = new FormData();
    form.append('account', ACCT);
    form.append('file', new Blob(['email\nform@x.io\n'], { type: 'text/csv' }), 'x.csv');
    const res = await fetch(`${hh.baseUrl}/v1/imports`, { method: 'POST', body: form });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect(await hh.waitFor(id, ['completed'])).toMatchObject({ account: ACCT, counts: { created: 1 } });
    expect((await hh.emulator.admin.stats()).connected_accounts[ACCT]?.customers).toBe(1);
  });

  it('an account Stripe refuses (403 account_invalid) fails the import once, naming it, without a row per request', async () => {
    const hh = await harness();
    hh.startWorker();
    const id = await hh.importCsv(csv('email', emails(50, 'nope')), { account: 'acct_1NotConnected' });
    const failed = await hh.waitFor(id, ['failed']);
    expect(failed.error).toMatch(/Stripe refuses the connected account: .*403 account_invalid/);
    expect(failed.error).not.toContain('sk_test_emulator');
    const job = await hh.services.queues.import.getJob(id);
    expect(job?.attemptsMade).toBe(1);
    const stats = await hh.emulator.admin.stats();
    expect(stats.customers).toBe(0);
    expect(stats.requests['read:403'] ?? 0).toBeLessThanOrEqual(16);
  });

  it('kill -9 mid-import into a connected account: another process resumes; every row once, none on the platform', async () => {
    const hh = await harness({ IMPORT_ROWS_IN_FLIGHT: '8', WORKER_CONCURRENCY: '1' }, 60);
    const first = hh.spawnWorker();
    const rows = emails(150, 'kill');
    const id = await hh.importCsv(csv('email,name', rows.map((e, i) => `${e},Row ${i + 1}`)), { account: ACCT });
    await hh.waitFor(id, ['running'], 30_000, (r) => r.counts.processed >= 20);
    first.kill('SIGKILL');
    await exited(first);
    expect((await hh.get(id)).counts.processed).toBeLessThan(150);
    // Stands in for lockDuration passing: the dead worker's job lock would expire on its own.
    await hh.services.redis.del(`${hh.services.config.queuePrefix}:${QUEUE_NAMES.import}:${id}:lock`);
    hh.spawnWorker();
    const done = await hh.waitFor(id, ['completed'], 45_000);
    expect(done.counts).toMatchObject({ total: 150, processed: 150, created: 150, failed: 0 });
    const results = await hh.results(id);
    expect(results.map((r) => Number(r.row))).toEqual(rows.map((_, i) => i + 1));
    expect(results.map((r) => r.email)).toEqual(rows);
    const stats = await hh.emulator.admin.stats();
    expect(stats.customers).toBe(0);
    expect(stats.connected_accounts[ACCT]).toEqual({ customers: 150, duplicate_emails: [] });
    expect((await hh.services.queues.import.getJob(id))?.returnvalue).toMatchObject({ status: 'completed', resumed: true });
  });

  // The recovery of a create cut short replays it from the registry's intent: that replay must carry the same
  // Stripe-Account, or it would make (or find) the customer on the platform.
  it.each([['after-intent'], ['after-create'], ['after-settle']])('kill -9 at %s of a connected-account row: recovered in that account, once', async (point) => {
    const hh = await harness({ IMPORT_ROWS_IN_FLIGHT: '4', WORKER_CONCURRENCY: '1' });
    const rows = ['r1@example.com', 'r2@example.com', 'Crash.Me@Example.com', 'crash.me@example.com', 'r5@example.com'];
    const doomed = hh.spawnWorker({ STRIPE_BULK_CRASH_AT: `${point}@3` });
    const id = await hh.importCsv(csv('email', rows), { account: ACCT });
    await exited(doomed);
    expect(doomed.signalCode).toBe('SIGKILL');
    // Stands in for lockDuration and the email lock's TTL passing.
    await hh.services.redis.del(`${hh.services.config.queuePrefix}:${QUEUE_NAMES.import}:${id}:lock`);
    await deleteKeys(hh.services.redis, `${hh.services.config.queuePrefix}:email-lock:`);
    hh.startWorker();
    const done = await hh.waitFor(id, ['completed'], 45_000);
    expect(done.counts).toMatchObject({ total: 5, processed: 5, failed: 0, created: 4, skipped: 1 });
    const results = await hh.results(id);
    expect(results.map((r) => r.email)).toEqual(rows);
    expect(results[2]?.customer_id).toBe(results[3]?.customer_id);
    const stats = await hh.emulator.admin.stats();
    expect(stats.customers).toBe(0);
    expect(stats.connected_accounts[ACCT]).toEqual({ customers: 4, duplicate_emails: [] });
  });
});
