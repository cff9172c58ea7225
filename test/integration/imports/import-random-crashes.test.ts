import { afterEach, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../../src/queues/names.ts';
import { deleteKeys } from '../../helpers/redis.ts';
import { createImportHarness, csv, exited, type ImportHarness } from './import-harness.ts';

const KILLS = 8;
const NEW_EMAILS = 480;
const EXISTING = 60;

/** A deterministic shuffle (mulberry32), so a failure can be replayed. */
function shuffled<T>(items: T[], seed: number): T[] {
  let a = seed;
  const random = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * 600 rows (new emails, every fifth in mixed case; 60 already in Stripe; 60 case variants of earlier rows, some
 * right behind their original) on two worker processes, every process SIGKILLed at 8 moments and restarted.
 */
describe('import: every process killed at 8 moments', () => {
  let h: ImportHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('0 duplicates, every row once', { timeout: 300_000 }, async () => {
    h = await createImportHarness({ emulator: { latencyMs: 40, jitterMs: 20 }, env: { IMPORT_ROWS_IN_FLIGHT: '8', WORKER_CONCURRENCY: '1' } });
    const harness = h;
    await harness.emulator.admin.seed({ count: EXISTING, template: { email: 'existing{i}@example.com' } });
    const fresh = Array.from({ length: NEW_EMAILS }, (_, i) => (i % 5 === 0 ? `User.${i}@Example.Com` : `user.${i}@example.com`));
    const rows = [...fresh, ...Array.from({ length: EXISTING }, (_, i) => `existing${i}@example.com`)];
    const shuffledRows = shuffled(rows, 42);
    // Case variants: half right behind their original, half anywhere later.
    const withVariants: string[] = [];
    shuffledRows.forEach((email, i) => {
      withVariants.push(email);
      if (i % 10 === 0) withVariants.push(email.toUpperCase());
    });
    for (let i = 0; i < 12; i++) withVariants.push(fresh[i * 7]!.toLowerCase());
    const id = await harness.importCsv(csv('email,name', withVariants.map((e, i) => `${e},Row ${i + 1}`)));

    const lockKey = `${harness.services.config.queuePrefix}:${QUEUE_NAMES.import}:${id}:lock`;
    for (let kill = 1; kill <= KILLS; kill++) {
      const processes = [harness.spawnWorker(), harness.spawnWorker()];
      const target = EXISTING + Math.round((kill * NEW_EMAILS) / (KILLS + 2));
      const deadline = Date.now() + 60_000;
      while ((await harness.emulator.admin.stats()).customers < target) {
        if (Date.now() > deadline) throw new Error(`kill ${kill}: fewer than ${target} customers after 60 s`);
        await new Promise((r) => setTimeout(r, 20 + kill * 7));
      }
      for (const p of processes) p.kill('SIGKILL');
      await Promise.all(processes.map(exited));
      // Stands in for lockDuration and the email locks' TTL passing.
      await harness.services.redis.del(lockKey);
      await deleteKeys(harness.services.redis, `${harness.services.config.queuePrefix}:email-lock:`);
    }
    harness.spawnWorker();
    const done = await harness.waitFor(id, ['completed'], 90_000);

    expect(done.counts).toMatchObject({ total: withVariants.length, processed: withVariants.length, created: NEW_EMAILS, failed: 0 });
    const results = await harness.results(id);
    expect(results.map((r) => Number(r.row))).toEqual(withVariants.map((_, i) => i + 1));
    expect(results.map((r) => r.email)).toEqual(withVariants);
    const stats = await harness.emulator.admin.stats();
    expect(stats.duplicate_emails).toEqual([]);
    expect(stats.customers).toBe(EXISTING + NEW_EMAILS);
    // Every row of an email points at that email's one customer.
    const byEmail = new Map<string, Set<string>>();
    for (const r of results) byEmail.set(r.email.toLowerCase(), (byEmail.get(r.email.toLowerCase()) ?? new Set()).add(r.customer_id));
    for (const ids of byEmail.values()) expect(ids.size).toBe(1);
  });
});
