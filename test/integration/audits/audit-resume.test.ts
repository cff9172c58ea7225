import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { auditDir } from '../../../src/audits/audit-paths.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { customerWalkKeys } from '../../../src/redis-keys.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { createAuditHarness, groupsOf, seedDuplicates, type AuditHarness } from './audit-harness.ts';

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

describe('audit resume after kill -9 of its worker process', () => {
  let h: AuditHarness;
  let expected: Map<string, string[]>;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createAuditHarness({ STRIPE_READ_RPS: '20', EXPORT_PAGES_IN_FLIGHT: '4' }));
    expected = await seedDuplicates(h.emulator, 5000, 37);
  });

  it('a new worker resumes the walk from its checkpoint: every customer counted once, exactly the seeded groups', async () => {
    const first = h.spawnWorker();
    const created = await h.createAudit();
    const mid = await h.waitFor(created.id, ['running'], 30_000, (a) => a.counts.pages >= 12);
    first.kill('SIGKILL');
    await exited(first);
    const atKill = await h.get(created.id);
    expect(atKill.status).toBe('running');
    expect(atKill.counts.customers).toBeGreaterThanOrEqual(mid.counts.customers);
    expect(atKill.counts.customers).toBeLessThan(5000);
    // The index the dead worker built so far stays for the next one.
    const keys = customerWalkKeys(h.services.prefix, created.id);
    expect(await h.services.redis.zcard(keys.emailIds)).toBeGreaterThan(0);

    // BullMQ's stalled check hands the job to the new worker once the dead worker's lock expires.
    const second = h.spawnWorker({ STRIPE_READ_RPS: '200', EXPORT_PAGES_IN_FLIGHT: '16' });
    const done = await h.waitFor(created.id, ['completed', 'failed'], 60_000);
    second.kill('SIGKILL');
    await exited(second);
    expect(done.status, done.error ?? '').toBe('completed');
    const inGroups = [...expected.values()].reduce((n, ids) => n + ids.length, 0);
    expect(done.counts).toMatchObject({ customers: 5000, groups: 37, customers_in_groups: inGroups });
    const file = await h.download(created.id);
    expect(groupsOf(file)).toEqual(new Map([...expected].map(([k, ids]) => [k, [...ids].sort()])));
    expect(file.rows).toHaveLength(inGroups);
  });
  it('DELETE stops a running walk at its next group of pages and drops its index; no file is written', async () => {
    const worker = h.startWorker();
    const created = await h.createAudit();
    await h.waitFor(created.id, ['running'], 30_000, (a) => a.counts.pages >= 5);
    const res = await h.request('DELETE', `/v1/audits/${created.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'cancelled' });
    const keys = customerWalkKeys(h.services.prefix, created.id);
    const deadline = Date.now() + 20_000;
    // The job ends on its own once the walk sees the cancel.
    while ((await h.services.queues.audit.getJobState(created.id)) !== 'completed') {
      if (Date.now() > deadline) throw new Error('the cancelled audit job did not end');
      await new Promise((r) => setTimeout(r, 50));
    }
    await worker.close();
    const final = await h.get(created.id);
    expect(final.status).toBe('cancelled');
    expect(final.counts.customers).toBeLessThan(5000);
    expect(await h.services.redis.exists(keys.slices, keys.emailIds, keys.groups, keys.customers)).toBe(0);
    expect(existsSync(auditDir(h.services.dataDir, created.id))).toBe(false);
  });
});
