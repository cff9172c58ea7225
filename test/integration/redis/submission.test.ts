import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newExportId } from '../../../src/exports/export-ids.ts';
import { ExportStore } from '../../../src/exports/export-store.ts';
import { EXPORT_JOB_OPTIONS } from '../../../src/exports/export-job-data.ts';
import { createApiRedisConnection, createRedisConnection } from '../../../src/queues/connection.ts';
import { QUEUE_NAMES } from '../../../src/queues/names.ts';
import {
  acceptSubmission,
  openSubmission,
  REFUSED_SUBMISSION,
  settleSubmission,
  SUBMISSION_WINDOW_MS,
  submissionKey,
} from '../../../src/queues/submission.ts';
import { createExportHarness, type ExportHarness } from '../exports/export-harness.ts';
import { uniquePrefix } from '../../helpers/redis.ts';
import { startRestartableRedis, type RestartableRedis } from '../../helpers/redis-server.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';

/**
 * A Redis that freezes between the API's last two writes (the job is queued, its acceptance is not) and wakes after
 * the API answered 503: the job must never run.
 */
describe('job submissions', () => {
  let redis: RestartableRedis;
  let api: Redis;
  let worker: Redis;
  const closing = closeAfterAll();
  beforeAll(async () => {
    redis = closing(await startRestartableRedis());
    api = createApiRedisConnection(redis.url, 'submission-test-api');
    worker = createRedisConnection(redis.url, 'submission-test-worker');
    for (const c of [api, worker]) c.on('error', () => undefined);
    // The API's connection has no offline queue: wait until both are connected.
    await Promise.all([api, worker].filter((c) => c.status !== 'ready').map((c) => new Promise((r) => c.once('ready', r))));
  });
  afterAll(async () => {
    await Promise.allSettled([api.quit(), worker.quit()]);
    api.disconnect();
    worker.disconnect();
  });

  it('an accepted submission runs; a worker that took the job first waits for the acceptance', async () => {
    const key = submissionKey(uniquePrefix('sub'), 'export', 'exp_accepted');
    await openSubmission(api, key);
    const verdict = settleSubmission(worker, key);
    await new Promise((r) => setTimeout(r, 200));
    expect(await acceptSubmission(api, key)).toBe(true);
    expect(await verdict).toBe('accepted');
    expect(await settleSubmission(worker, submissionKey(uniquePrefix('sub'), 'import', 'imp_none'))).toBe('none');
  });

  it('Redis frozen between the job and its acceptance: the API gets an error, and after Redis wakes the job is refused', async () => {
    const key = submissionKey(uniquePrefix('sub'), 'import', 'imp_frozen');
    await openSubmission(api, key);
    redis.signal('SIGSTOP');
    let acceptance: unknown;
    try {
      acceptance = await acceptSubmission(api, key).catch((err: unknown) => err);
    } finally {
      redis.signal('SIGCONT');
    }
    // The API's command timed out: it answers 503, and the acceptance it sent reaches Redis after the deadline.
    expect(acceptance).toBeInstanceOf(Error);
    expect(await settleSubmission(worker, key)).toBe('refused');
    expect(await acceptSubmission(api, key)).toBe(false);
  });

  it('a deadline passed without acceptance: the window is shorter than the API command timeout', async () => {
    const key = submissionKey(uniquePrefix('sub'), 'export', 'exp_late');
    await openSubmission(api, key);
    await new Promise((r) => setTimeout(r, SUBMISSION_WINDOW_MS + 100));
    expect(await acceptSubmission(api, key)).toBe(false);
    expect(await settleSubmission(worker, key)).toBe('refused');
  });
});

describe('a worker given a job whose submission was never accepted', () => {
  let h: ExportHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createExportHarness());
    await h.emulator.admin.seed({ count: 50, template: { email: 'a{i}@example.com' } });
  });

  it('marks the export failed and sends Stripe nothing', async () => {
    const { redis, config } = h.services;
    const id = newExportId();
    await openSubmission(redis, submissionKey(config.queuePrefix, 'export', id));
    await new ExportStore(redis, config.queuePrefix).create({ id, options: {} });
    const queue = new Queue(QUEUE_NAMES.export, { connection: redis, prefix: config.queuePrefix });
    await queue.add(QUEUE_NAMES.export, { exportId: id }, { ...EXPORT_JOB_OPTIONS, jobId: id });
    await queue.close();
    await h.emulator.admin.resetStats();
    h.startWorker();
    const failed = await h.waitFor(id, ['failed', 'completed'], 20_000);
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe(REFUSED_SUBMISSION);
    expect((await h.emulator.admin.stats()).requests).toEqual({});
  });
});
