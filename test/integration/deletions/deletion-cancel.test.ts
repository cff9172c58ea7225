import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/http/app.ts';
import { BOARD_PATH } from '../../../src/http/board.ts';
import { listenOnFreePort } from '../../helpers/http.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { createDeletionHarness, type DeletionHarness } from './deletion-harness.ts';

// Cancelling, the board, and what a deletion leaves in Redis: no secret anywhere.
describe('deletion cancel, board and Redis', () => {
  const closing = closeAfterAll();
  let h: DeletionHarness;
  let ids: string[];

  beforeAll(async () => {
    // Slow answers, so a deletion is still running when the cancel arrives.
    h = closing(await createDeletionHarness({ IMPORT_ROWS_IN_FLIGHT: '4', BOARD_USER: 'operator', BOARD_PASSWORD: 'board-password-1' }, { latencyMs: 40, jitterMs: 10 }));
    await h.emulator.admin.seed({ count: 120, template: { email: 'cancel{i}@example.com' } });
    ids = (await h.emulator.admin.customers()).map((c) => c.id);
  }, 60_000);

  const cancel = (id: string) => fetch(`${h.baseUrl}/v1/deletions/${id}`, { method: 'DELETE' });

  it('cancels a queued deletion at once: 200, its job removed, nothing run', async () => {
    const dry = await h.deleteCsv(`id\n${ids.join('\n')}\n`, { dry_run: 'true' });
    const res = await cancel(dry.body.id);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe('cancelled');
    expect(await h.services.queues.delete.getJob(dry.body.id)).toBeUndefined();
    expect((await h.get(dry.body.id)).counts.processed).toBe(0);
  });

  it('stops a running deletion before its next rows; the rows done are reported once, the rest never deleted', async () => {
    const workers = h.startWorkers();
    const file = `id\n${ids.join('\n')}\n`;
    const dry = await h.deleteCsv(file, { dry_run: 'true' });
    await h.waitFor(dry.body.id, ['completed']);
    const real = await h.deleteCsv(file, { confirm: dry.body.id });
    await h.waitFor(real.body.id, ['running'], 30_000, (d) => d.counts.processed >= 16);
    expect((await cancel(real.body.id)).status).toBe(202);
    const ended = await h.waitFor(real.body.id, ['cancelled']);
    expect(ended.counts.processed).toBeLessThan(120);
    const lines = await h.results(real.body.id);
    expect(lines).toHaveLength(ended.counts.processed);
    expect(lines.map((l) => Number(l.row))).toEqual(lines.map((_, i) => i + 1));
    const stats = await h.emulator.admin.stats();
    expect(stats.deleted_customers).toBe(ended.counts.deleted);
    expect(stats.customers).toBe(120 - ended.counts.deleted);
    expect((await cancel(real.body.id)).status).toBe(200);
    const metrics = await h.services.metrics.registry.metrics();
    expect(metrics).toContain(`stripe_bulk_deletion_rows_total{outcome="deleted"} ${String(ended.counts.deleted)}`);
    expect(metrics).toContain('stripe_bulk_deletion_rows_total{outcome="would_delete"} 120');
    await workers.close(5_000);
  }, 60_000);

  it('shows the delete-customers queue and its jobs on Bull Board', async () => {
    const app = createApp(h.services);
    const { baseUrl } = closing(await listenOnFreePort(app));
    const auth = `Basic ${Buffer.from('operator:board-password-1').toString('base64')}`;
    const res = await fetch(`${baseUrl}${BOARD_PATH}/api/queues?activeQueue=delete-customers&status=latest`, { headers: { Authorization: auth } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { queues: { name: string; jobs: { id: string; data: Record<string, unknown> }[] }[] };
    const queue = body.queues.find((q) => q.name === 'delete-customers');
    expect(queue).toBeDefined();
    expect(queue?.jobs.length).toBeGreaterThan(0);
    for (const job of queue?.jobs ?? []) expect(Object.keys(job.data).sort()).toEqual(['deletionId', 'dryRun', 'fileName', 'importId']);
  });

  it('writes no Stripe key to Redis, job data or results', async () => {
    const keys = await h.services.redis.keys(`${h.services.prefix}:*`);
    expect(keys.some((k) => k.includes(':deletion:'))).toBe(true);
    const secret = h.services.config.stripe.secretKey;
    for (const key of keys) {
      const type = await h.services.redis.type(key);
      const dump = type === 'hash' ? JSON.stringify(await h.services.redis.hgetall(key)) : type === 'string' ? String(await h.services.redis.get(key)) : '';
      expect(dump.includes(secret), key).toBe(false);
      expect(/sk_(test|live)_/.test(dump), key).toBe(false);
    }
  });
});
