import { beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../../src/queues/names.ts';
import type { Redis } from 'ioredis';
import { spawnEntry } from '../../helpers/entry-process.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { createExportHarness, exited, idsOf, type ExportHarness } from './export-harness.ts';

const KILLS = 4;

/** Every value stored under `prefix`, as text: what a secret would have to hide in. */
async function everyValue(redis: Redis, prefix: string): Promise<string> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'string') out.push((await redis.get(key)) ?? '');
      else if (type === 'hash') out.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'list') out.push(JSON.stringify(await redis.lrange(key, 0, -1)));
      else if (type === 'set') out.push(JSON.stringify(await redis.smembers(key)));
      else if (type === 'zset') out.push(JSON.stringify(await redis.zrange(key, '0', '-1')));
      else if (type === 'stream') out.push(JSON.stringify(await redis.xrange(key, '-', '+')));
      out.push(key);
    }
  } while (cursor !== '0');
  return out.join('\n');
}

/** Worker processes exporting 5,000 connected accounts (bursts included), SIGKILLed mid-walk, then resumed. */
describe('accounts export: worker processes killed -9 mid-walk', () => {
  let h: ExportHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createExportHarness({ env: { STRIPE_READ_RPS: '15', EXPORT_PAGES_IN_FLIGHT: '4', WORKER_CONCURRENCY: '1' } }));
    await h.emulator.admin.seedAccounts({ count: 3000, template: { email: 'a{i}@x.io', created: 1_650_000_000 }, createdStep: 7 });
    await h.emulator.admin.seedAccounts({ count: 1200, template: { email: 'burst{i}@x.io', created: 1_660_000_000, metadata: { b: '{i}' } } });
    await h.emulator.admin.seedAccounts({
      count: 800,
      template: { email: 'b{i}@x.io', created: 1_600_000_000, capabilities: { card_payments: 'active' } },
      createdStep: 5000,
    });
    await h.emulator.admin.seed({ count: 300, template: { email: 'c{i}@x.io', created: 1_660_000_000 } });
  });

  it('resumes from the checkpoint and writes every account exactly once, in order', { timeout: 300_000 }, async () => {
    const created = await h.createExport({ object: 'accounts' });
    const lockKey = `${h.services.config.queuePrefix}:${QUEUE_NAMES.export}:${created.id}:lock`;
    for (let kill = 1; kill <= KILLS; kill++) {
      const processes = [h.spawnWorker(), h.spawnWorker()];
      const before = (await h.get(created.id)).counts.pages;
      await h.waitFor(created.id, ['running'], 60_000, (e) => e.counts.pages >= before + 3);
      await new Promise((r) => setTimeout(r, kill * 53));
      for (const p of processes) p.kill('SIGKILL');
      await Promise.all(processes.map(exited));
      const mid = await h.get(created.id);
      expect(mid.status).toBe('running');
      expect(mid.counts.objects).toBeLessThan(5000);
      // Stands in for lockDuration passing: the dead worker's job lock would expire on its own.
      await h.services.redis.del(lockKey);
    }
    // The last worker logs at debug level, so its output shows what a resumed accounts export logs.
    const last = spawnEntry('worker', { ...h.services.workerEnv, LOG_LEVEL: 'debug', STRIPE_READ_RPS: '200', EXPORT_PAGES_IN_FLIGHT: '16' });
    closing.defer(() => last.stop(5_000));
    const done = await h.waitFor(created.id, ['completed', 'failed'], 90_000);
    expect(done.status).toBe('completed');
    expect(done.counts).toMatchObject({ objects: 5000, customers: 5000 });
    const file = await h.download(created.id);
    const ids = idsOf(file);
    expect(new Set(ids).size).toBe(ids.length);
    const expected = (await h.emulator.admin.accounts()).map((a) => a.id);
    expect(new Set(ids)).toEqual(new Set(expected));
    expect(ids).toEqual(expected);
    expect(file.header).toContain('capabilities.card_payments');
    expect(file.header.at(-1)).toBe('metadata.b');
    expect(ids.some((id) => !id.startsWith('acct_'))).toBe(false);

    // The Stripe key is in no log line, Redis value or job of this export.
    const secret = h.services.workerEnv.STRIPE_SECRET_KEY ?? '';
    expect(secret).toMatch(/^sk_test_/);
    const logs = last.stdout() + last.stderr();
    expect(logs).toContain('"object":"accounts"');
    expect(logs).toContain('resuming export from its checkpoint');
    expect(logs).not.toContain(secret);
    const stored = await everyValue(h.services.redis, h.services.config.queuePrefix);
    expect(stored).toContain(created.id);
    expect(stored).not.toContain(secret);
  });
});
