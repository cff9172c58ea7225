import { beforeEach, describe, expect, it } from 'vitest';
import { customerWalkKeys, importIndexKey } from '../../../src/redis-keys.ts';
import { apiError } from '../../helpers/api-json.ts';
import { closeAfterEach } from '../../helpers/teardown.ts';
import { createImportHarness, csv, type ImportHarness } from './import-harness.ts';

/** 300 customers stored with capitals, and a file of their lower-case forms plus 200 new emails. */
async function seedCapitals(h: ImportHarness): Promise<{ ids: string[]; file: string }> {
  await h.emulator.admin.seed({ count: 300, template: { email: 'Person{i}@Example.com', name: 'P {i}', created: 1_650_000_000 }, createdStep: 60 });
  const byEmail = new Map((await h.emulator.admin.customers()).map((c) => [c.email, c.id]));
  const ids = Array.from({ length: 300 }, (_, i) => byEmail.get(`Person${i}@Example.com`) ?? '');
  const rows = [
    ...Array.from({ length: 300 }, (_, i) => `person${i}@example.com,Person ${i}`),
    ...Array.from({ length: 200 }, (_, i) => `new${i}@example.com,New ${i}`),
  ];
  return { ids, file: csv('email,name', rows) };
}

const scanMeta = (h: ImportHarness) => customerWalkKeys(h.services.prefix, `account-${h.services.config.stripe.accountId}`).meta;

describe('dedupe=scan against customers stored with capitals', () => {
  let h: ImportHarness;
  const closing = closeAfterEach();
  beforeEach(async () => {
    h = closing(await createImportHarness());
    h.startWorker();
  });

  it('dedupe=scan creates exactly the 200 new customers and says which rows only the scan matched', async () => {
    const { ids, file } = await seedCapitals(h);
    const id = await h.importCsv(file, { dedupe: 'scan' });
    const done = await h.waitFor(id, ['completed', 'failed']);
    expect(done.dedupe).toBe('scan');
    expect(done.counts).toEqual({ total: 500, processed: 500, created: 200, updated: 0, unchanged: 0, skipped: 300, failed: 0, matched_by_scan: 300 });
    const rows = await h.results(id);
    expect(rows[0]).toMatchObject({ action: 'skipped', customer_id: ids[0], message: `exists: ${ids[0]}; matched only by dedupe=scan (stored with other capitals)` });
    expect(rows.slice(300).every((r) => r.action === 'created' && r.message === '')).toBe(true);
    const stats = await h.emulator.admin.stats();
    expect(stats.customers).toBe(500);
    expect(stats.duplicate_emails).toEqual([]);
    // The 300 rows the index answers cost no read: the walk (a few pages), the 200 new emails' look-ups and the
    // event polls; per-row retrieves would have made it 500 and more.
    expect(stats.requests['read:200']).toBeLessThan(260);
  });

  it('dedupe=lookup (the default) creates all 500: Stripe\'s ?email= is case-sensitive, so the 300 become duplicates', async () => {
    const { file } = await seedCapitals(h);
    const id = await h.importCsv(file);
    const done = await h.waitFor(id, ['completed', 'failed']);
    expect(done.dedupe).toBe('lookup');
    expect(done.counts).toEqual({ total: 500, processed: 500, created: 500, updated: 0, unchanged: 0, skipped: 0, failed: 0 });
    expect((await h.emulator.admin.stats()).duplicate_emails).toHaveLength(300);
  });

  it('the next import reuses the index, tops it up with customers created since (created[gt]), and ignores deleted matches', async () => {
    const { ids, file } = await seedCapitals(h);
    await h.waitFor(await h.importCsv(file, { dedupe: 'scan' }), ['completed']);
    const walked = Number(await h.services.redis.hget(scanMeta(h), 'customers'));
    expect(walked).toBe(300);
    // Created after the first walk's snapshot second, stored with capitals: only the top-up walk can find it.
    await new Promise((r) => setTimeout(r, 1_100));
    const late = await h.emulator.stripe.customers.create({ email: 'Late@Example.com', name: 'Late' });
    await h.emulator.stripe.customers.del(ids[1] ?? '');
    await h.emulator.admin.resetStats();
    const second = await h.importCsv(csv('email,name', ['late@example.com,Late', 'person1@example.com,Gone', 'person2@example.com,Kept']), { dedupe: 'scan' });
    const done = await h.waitFor(second, ['completed', 'failed']);
    expect(done.counts).toMatchObject({ created: 1, skipped: 2, matched_by_scan: 2 });
    const rows = await h.results(second);
    expect(rows.map((r) => [r.action, r.customer_id])).toEqual([
      ['skipped', late.id],
      ['created', rows[1]?.customer_id],
      ['skipped', ids[2]],
    ]);
    expect(rows[1]?.customer_id).not.toBe(ids[1]);
    // The top-up walked only the customers created since the first walk (the first import's 200 and Late), not the
    // 300 older ones again.
    expect(Number(await h.services.redis.hget(scanMeta(h), 'customers')) - walked).toBe(201);
    expect((await h.emulator.admin.stats()).requests['read:200']).toBeLessThan(20);
  });

  it('customer events keep the index current: a customer deleted or re-addressed after the walk is not matched under its old email', async () => {
    const { ids, file } = await seedCapitals(h);
    await h.waitFor(await h.importCsv(file, { dedupe: 'scan' }), ['completed']);
    await h.emulator.stripe.customers.del(ids[1] ?? '');
    await h.emulator.stripe.customers.update(ids[2] ?? '', { email: 'Moved@Example.com' });
    // Two changes of one customer: the index ends with the last (events are applied oldest first).
    await h.emulator.stripe.customers.update(ids[4] ?? '', { email: 'mid@example.com' });
    await h.emulator.stripe.customers.update(ids[4] ?? '', { email: 'final@example.com' });
    await h.emulator.admin.resetStats();
    const second = await h.importCsv(
      csv('email,name', ['person1@example.com,Gone', 'person2@example.com,Old address', 'moved@example.com,Moved', 'person3@example.com,Same', 'mid@example.com,Mid', 'final@example.com,Final']),
      { dedupe: 'scan' },
    );
    const done = await h.waitFor(second, ['completed', 'failed']);
    const rows = await h.results(second);
    expect(rows.map((r) => r.action)).toEqual(['created', 'created', 'skipped', 'skipped', 'created', 'skipped']);
    expect(rows[5]).toMatchObject({ customer_id: ids[4], message: `exists: ${ids[4]}` });
    expect(rows[0]?.customer_id).not.toBe(ids[1]);
    expect(rows[1]?.customer_id).not.toBe(ids[2]);
    expect(rows[2]).toMatchObject({ customer_id: ids[2], message: `exists: ${ids[2]}; matched only by dedupe=scan (stored with other capitals)` });
    expect(rows[3]).toMatchObject({ customer_id: ids[3] });
    expect(done.counts).toMatchObject({ created: 3, skipped: 3, matched_by_scan: 2 });
  });

  it('an index that cannot be kept current by events (walked before they were kept) retrieves each match instead', async () => {
    const { ids, file } = await seedCapitals(h);
    await h.waitFor(await h.importCsv(file, { dedupe: 'scan' }), ['completed']);
    await h.services.redis.hdel(scanMeta(h), 'events_gte');
    await h.emulator.stripe.customers.del(ids[1] ?? '');
    await h.emulator.admin.resetStats();
    const second = await h.importCsv(csv('email,name', ['person1@example.com,Gone', 'person2@example.com,Kept']), { dedupe: 'scan' });
    await h.waitFor(second, ['completed', 'failed']);
    const rows = await h.results(second);
    expect(rows.map((r) => r.action)).toEqual(['created', 'skipped']);
    expect(rows[1]).toMatchObject({ customer_id: ids[2], message: `exists: ${ids[2]}; matched only by dedupe=scan (stored as Person2@Example.com)` });
    expect((await h.emulator.admin.stats()).requests['read:200']).toBeGreaterThanOrEqual(2);
  });

  it('an unknown dedupe value answers 400 naming it, and nothing is queued or stored', async () => {
    const res = await h.upload(csv('email', ['a@example.com']), { dedupe: 'fuzzy' });
    expect(res.status).toBe(400);
    const error = apiError(await res.json());
    expect(error.message).toContain('dedupe must be lookup or scan (got "fuzzy")');
    expect(await h.services.queues.import.getJobCounts('waiting', 'active', 'delayed')).toEqual({ waiting: 0, active: 0, delayed: 0 });
    expect(await h.services.redis.zcard(importIndexKey(h.services.prefix))).toBe(0);
  });
  it('upsert: updates the one customer stored in another casing; an email 50 customers share is ambiguous after 2 reads, not 50', async () => {
    await h.emulator.admin.seed({ count: 50, template: { email: 'Shared@Example.com', name: 'S {i}', created: 1_650_000_000 }, createdStep: 60 });
    const [solo] = (await h.emulator.admin.seed([{ email: 'Solo@Example.com', name: 'Old Name', created: 1_660_000_000 }])).ids;
    await h.emulator.admin.resetStats();
    const id = await h.importCsv(csv('email,name', ['shared@example.com,Whoever', 'solo@example.com,New Name']), { dedupe: 'scan', mode: 'upsert' });
    const done = await h.waitFor(id, ['completed', 'failed']);
    expect(done.counts).toMatchObject({ updated: 1, skipped: 1, matched_by_scan: 2 });
    const rows = await h.results(id);
    expect(rows[0]?.message).toMatch(/^ambiguous: 2 customers share this email \(cus_\w+, cus_\w+\) \(the dedupe=scan index lists 50\); matched only by dedupe=scan/);
    expect(rows[1]).toMatchObject({ action: 'updated', customer_id: solo, message: 'changed name; matched only by dedupe=scan (stored as Solo@Example.com)' });
    const stats = await h.emulator.admin.stats();
    // The walk (one partial page per slice) and 2 + 1 retrieves; never 50.
    expect(stats.requests['read:200']).toBeLessThan(30);
    expect((await h.emulator.admin.customers()).find((c) => c.id === solo)?.name).toBe('New Name');
  });
});
