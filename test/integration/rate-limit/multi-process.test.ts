import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestRedis, deleteKeys, testRedisUrl, uniquePrefix } from '../../helpers/redis.ts';
import { maxInSlidingWindow } from '../../../dev/grant-log.ts';

const CHILD = fileURLToPath(new URL('../../../dev/limiter-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD_TIMEOUT_MS = 30_000;
const spawned: ChildProcess[] = [];

interface ChildResult {
  grants: number[];
}

interface RunningChild {
  /** Resolves once the child has loaded and reached Redis. */
  ready: Promise<void>;
  /** Starts the hammering; resolves with the child's grants. */
  go(): Promise<ChildResult>;
}

/** One limiter-child process (see its header for the protocol); killed if it outlives CHILD_TIMEOUT_MS. */
function startChild(env: Record<string, string>): RunningChild {
  // `node --import tsx` rather than the tsx CLI, which would start a second node process per child.
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  spawned.push(child);
  let stdout = '';
  let stderr = '';
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.startsWith('ready\n')) onReady();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
  const done = new Promise<ChildResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) { reject(new Error(`limiter-child exited with ${code}: ${stderr}`)); return; }
      resolve(JSON.parse(stdout.slice('ready\n'.length)) as ChildResult);
    });
  });
  // A child that dies before "ready" must fail the test, not hang it.
  return {
    ready: Promise.race([ready, done.then(() => {})]),
    go() {
      child.stdin.end('go\n');
      return done;
    },
  };
}

const prefix = uniquePrefix('rl-mp');
let redis: Redis | undefined;

afterAll(async () => {
  // A test that failed half-way must not leave a child hammering Redis.
  for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (!redis) return;
  await deleteKeys(redis, prefix);
  await redis.quit();
});

describe('the limiter shared by several processes', () => {
  it('never lets a sliding second exceed the limit across 3 processes hammering it for ~2 s', async () => {
    redis = createTestRedis();
    const limit = 20;
    const env = {
      REDIS_URL: testRedisUrl(),
      KEY_PREFIX: prefix,
      ACCOUNT_ID: 'acct-multi-process',
      LIMIT: String(limit),
      DURATION_MS: '2000',
      CONCURRENCY: '6',
    };
    const children = [startChild(env), startChild(env), startChild(env)];
    await Promise.all(children.map((c) => c.ready));
    const results = await Promise.all(children.map((c) => c.go()));

    const all = results.flatMap((r) => r.grants);
    // Each process got a share of the budget: none was starved by the others.
    for (const r of results) expect(r.grants.length).toBeGreaterThan(0);
    expect(maxInSlidingWindow(all, 1000)).toBeLessThanOrEqual(limit);
    expect(maxInSlidingWindow(all, 1040)).toBeLessThanOrEqual(limit);
    // …and together they kept going past the first window's worth: the shaping delays, it never stalls.
    expect(all.length).toBeGreaterThan(limit);
  });
});
