import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../../src/queues/names.ts';
import { freePort } from '../../../dev/free-port.ts';
import { startTestEmulator, TEST_EMULATOR_KEY, type TestEmulator } from '../../helpers/emulator.ts';
import { spawnEntry, type EntryProcess } from '../../helpers/entry-process.ts';
import { uniquePrefix } from '../../helpers/redis.ts';
import { startRestartableRedis, type RestartableRedis } from '../../helpers/redis-server.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';

const CSV = 'email,name\nada@example.com,Ada\nbob@example.com,Bob\n';
const IMPORT_ID = 'imp_0000000000000000';
const EXPORT_ID = 'exp_00000000000000000000';
const SCHEDULE_ID = 'exs_0000000000000000';

/** Every kind of /v1 request, as a client sends it. */
const REQUESTS: { method: string; path: string; init?: RequestInit }[] = [
  { method: 'POST', path: '/v1/imports', init: { body: CSV, headers: { 'Content-Type': 'text/csv' } } },
  { method: 'POST', path: '/v1/exports', init: { body: '{}', headers: { 'Content-Type': 'application/json' } } },
  {
    method: 'POST',
    path: '/v1/export-schedules',
    init: { body: JSON.stringify({ cron: '0 3 * * *' }), headers: { 'Content-Type': 'application/json' } },
  },
  { method: 'GET', path: '/v1/imports' },
  { method: 'GET', path: `/v1/imports/${IMPORT_ID}` },
  { method: 'GET', path: `/v1/imports/${IMPORT_ID}/results` },
  { method: 'DELETE', path: `/v1/imports/${IMPORT_ID}` },
  { method: 'GET', path: '/v1/exports' },
  { method: 'GET', path: `/v1/exports/${EXPORT_ID}` },
  { method: 'GET', path: `/v1/exports/${EXPORT_ID}/file` },
  { method: 'DELETE', path: `/v1/exports/${EXPORT_ID}` },
  { method: 'GET', path: '/v1/export-schedules' },
  { method: 'GET', path: `/v1/export-schedules/${SCHEDULE_ID}` },
];

/** The real server process (API + workers) on a Redis of its own that the test stops and starts again. */
describe('Redis outage', () => {
  let redis: RestartableRedis;
  let emulator: TestEmulator;
  let server: EntryProcess;
  let base: string;
  let dataDir: string;
  const prefix = uniquePrefix('outage');

  const readiness = async () => {
    const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(5_000) });
    return { status: res.status, body: (await res.json()) as { checks: Record<string, { ok: boolean; message: string }> } };
  };
  async function waitForRedisCheck(ok: boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await readiness()).body.checks.redis?.ok !== ok) {
      if (Date.now() > deadline) throw new Error(`/readyz never said redis ok=${ok}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  /** Every connection of the server back (its "reconnected" line comes when the slowest one is): one per "lost". */
  async function waitForReconnectedLine(timeoutMs: number): Promise<void> {
    const count = (text: string) => server.stdout().split('\n').filter((l) => l.includes(text)).length;
    const deadline = Date.now() + timeoutMs;
    while (count('reconnected') < count('connection lost')) {
      if (Date.now() > deadline) throw new Error(`no "reconnected" line for each "connection lost":\n${server.stdout()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const list = async (path: string) => {
    const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(5_000) });
    expect(res.status).toBe(200);
    return ((await res.json()) as { data: unknown[] }).data;
  };

  const closing = closeAfterAll();
  beforeAll(async () => {
    redis = closing(await startRestartableRedis());
    emulator = closing(await startTestEmulator());
    dataDir = mkdtempSync(join(tmpdir(), 'stripe-bulk-outage-'));
    closing.defer(() => rmSync(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawnEntry('server', {
      REDIS_URL: redis.url,
      STRIPE_SECRET_KEY: TEST_EMULATOR_KEY,
      STRIPE_API_URL: emulator.url,
      PORT: String(port),
      QUEUE_PREFIX: prefix,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
    });
    closing.defer(() => server.stop());
    await server.waitForOutput(/HTTP API on/, 30_000);
    await waitForRedisCheck(true, 10_000);
  });


  it('an upload whose Redis dies mid-body answers 503 redis_unavailable and leaves no file behind', async () => {
    let push!: (text: string | null) => void;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (text) => (text === null ? controller.close() : controller.enqueue(new TextEncoder().encode(text)));
      },
    });
    push('email,name\n');
    const answer = fetch(`${base}/v1/imports`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv' },
      body,
      duplex: 'half',
      signal: AbortSignal.timeout(20_000),
    } as RequestInit);
    // The gate lets it in while Redis runs; the upload is then being written to DATA_DIR.
    const importsDir = join(dataDir, 'imports');
    const deadline = Date.now() + 10_000;
    while (!existsSync(importsDir) || readdirSync(importsDir).length === 0) {
      if (Date.now() > deadline) throw new Error('the upload never reached DATA_DIR');
      await new Promise((r) => setTimeout(r, 20));
    }
    await redis.stop();
    await waitForRedisCheck(false, 10_000);
    push('ada@example.com,Ada\n');
    push(null);
    const started = Date.now();
    const res = await answer;
    const ms = Date.now() - started;
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('redis_unavailable');
    expect(ms).toBeLessThan(2_000);
    expect(readdirSync(importsDir)).toEqual([]);
    await redis.start();
    await waitForRedisCheck(true, 20_000);
    await waitForReconnectedLine(10_000);
  });

  it('while Redis is stopped every /v1 request answers 503 redis_unavailable within 2 s, and nothing refused is done after it returns', async () => {
    const logStart = server.stdout().length;
    await redis.stop();
    await waitForRedisCheck(false, 10_000);
    const timings: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (const { method, path, init } of REQUESTS) {
        const started = Date.now();
        const res = await fetch(`${base}${path}`, { method, ...init, signal: AbortSignal.timeout(10_000) });
        const ms = Date.now() - started;
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect({ method, path, status: res.status, code: body.error.code }).toEqual({ method, path, status: 503, code: 'redis_unavailable' });
        expect(body.error.message).toContain('REDIS_URL');
        expect(ms, `${method} ${path}`).toBeLessThan(2_000);
        timings.push(ms);
      }
    }
    const ready = await readiness();
    expect(ready.status).toBe(503);
    expect(ready.body.checks.redis?.message).toContain('REDIS_URL');
    console.info(`outage answers: ${timings.length} requests, max ${Math.max(...timings)} ms, median ${timings.sort((a, b) => a - b)[timings.length >> 1]} ms`);

    await redis.start();
    await waitForRedisCheck(true, 20_000);
    // What the offline queue used to replay arrives right after the reconnection: give it time to show.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await list('/v1/imports')).toEqual([]);
    expect(await list('/v1/exports')).toEqual([]);
    expect(await list('/v1/export-schedules')).toEqual([]);
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    try {
      for (const name of Object.values(QUEUE_NAMES)) {
        const queue = new Queue(name, { connection, prefix });
        const counts = await queue.getJobCounts();
        await queue.close();
        expect(Object.values(counts).reduce((a, b) => a + b, 0), name).toBe(0);
      }
    } finally {
      connection.disconnect();
    }
    expect((await emulator.admin.stats()).customers).toBe(0);

    // One line per state change, and no stack trace per retry.
    await waitForReconnectedLine(10_000);
    const lines = server.stdout().slice(logStart).split('\n');
    expect(lines.filter((l) => l.includes('connection lost')).length).toBe(1);
    expect(lines.filter((l) => l.includes('reconnected')).length).toBe(1);
    expect(server.stderr()).not.toMatch(/^\s+at /m);
    expect(server.stdout()).not.toContain('\\n    at ');
  });

  it('a frozen Redis (SIGSTOP: sockets open, no answers) gets 503 redis_unavailable after the API command timeout, not a hang', async () => {
    redis.signal('SIGSTOP');
    try {
      const timings: number[] = [];
      for (const { method, path, init } of REQUESTS.filter((r) => r.method === 'GET').slice(0, 3)) {
        const started = Date.now();
        const res = await fetch(`${base}${path}`, { method, ...init, signal: AbortSignal.timeout(10_000) });
        timings.push(Date.now() - started);
        expect({ path, status: res.status, code: ((await res.json()) as { error: { code: string } }).error.code }).toEqual({
          path,
          status: 503,
          code: 'redis_unavailable',
        });
      }
      console.info(`frozen Redis answers: ${timings.length} requests, max ${Math.max(...timings)} ms`);
      // Bounded by API_COMMAND_TIMEOUT_MS (1.5 s); generous here, the point is that nothing waits for Redis to wake.
      expect(Math.max(...timings)).toBeLessThan(5_000);
    } finally {
      redis.signal('SIGCONT');
    }
    await waitForRedisCheck(true, 20_000);
    await waitForReconnectedLine(10_000);
  });
});
