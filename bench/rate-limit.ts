/**
 * Throughput of the shared Redis rate limiter (not a test): 1 and then 4 processes hammer one account's read
 * budget, each grant also sending `GET /v1/customers?limit=1` to an in-process emulator that enforces the same
 * limit over sliding one-second windows. Reports grants/s against the limit (≥ 95 % expected with the default
 * 40 ms margin: the ceiling is limit × 1000 / 1040 = 96.2 %), the busiest sliding second of grants, and the
 * emulator's own count of admitted requests and 429s (no gateway retries here: every 429 shows).
 * Run: npx tsx bench/rate-limit.ts [limit=100] [seconds=10]   (REDIS_URL, or a throwaway redis-server is started;
 * LATE_TOLERANCE_MS=Infinity compares with a limiter that never gives back a slot it woke too late for)
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../src/emulator/index.ts';
import { createRedisConnection } from '../src/queues/connection.ts';
import { maxInSlidingWindow } from '../dev/grant-log.ts';
import { startLocalRedis } from '../dev/local-redis.ts';

const LIMIT = Number(process.argv[2] ?? 100);
const SECONDS = Number(process.argv[3] ?? 10);
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CHILD = fileURLToPath(new URL('../dev/limiter-child.ts', import.meta.url));
/** Requests in flight per scenario, split over its processes: well above the limit × latency product. */
const IN_FLIGHT = 64;

interface ChildResult {
  grants: number[];
  statuses: Record<string, number>;
  lags: number[];
  missedSlots: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

async function startRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: () => Promise.resolve() };
  return startLocalRedis();
}

function startChild(env: Record<string, string>): { ready: Promise<void>; go(): Promise<ChildResult> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
  let stdout = '';
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.startsWith('ready\n')) onReady();
  });
  const done = new Promise<ChildResult>((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(stdout.slice('ready\n'.length)) as ChildResult) : reject(new Error(`child exited ${code}`)),
    ),
  );
  return { ready: Promise.race([ready, done.then(() => {})]), go: () => (child.stdin.end('go\n'), done) };
}

const redis = await startRedis();
const emu = await startEmulator({ readLimit: LIMIT, writeLimit: LIMIT, searchLimit: LIMIT, latencyMs: 0 });
const admin = createRedisConnection(redis.url, 'bench-rate-limit');
process.stdout.write(`limit ${LIMIT}/s, ${SECONDS} s per scenario, ${IN_FLIGHT} requests in flight, window margin 40 ms, late tolerance ${process.env.LATE_TOLERANCE_MS || "default (20 ms)"}\n`);
try {
  for (const processes of [1, 4]) {
    const run = `bench-${processes}p-${Date.now()}`;
    const env = {
      REDIS_URL: redis.url,
      KEY_PREFIX: run,
      ACCOUNT_ID: 'acct-bench',
      LIMIT: String(LIMIT),
      DURATION_MS: String(SECONDS * 1000),
      CONCURRENCY: String(IN_FLIGHT / processes),
      EMULATOR_URL: emu.url,
      // Its own key, so each scenario starts with empty emulator windows.
      KEY: `sk_test_${run.replaceAll('-', '_')}`,
    };
    const children = Array.from({ length: processes }, () => startChild(env));
    await Promise.all(children.map((c) => c.ready));
    const results = await Promise.all(children.map((c) => c.go()));
    const grants = results.flatMap((r) => r.grants).sort((a, b) => a - b);
    const lags = results.flatMap((r) => r.lags).sort((a, b) => a - b);
    const statuses: Record<string, number> = {};
    for (const r of results) for (const [k, v] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
    // Steady state: skip the first window, where the budget is spent at once.
    const first = grants[0] ?? 0;
    const steady = grants.filter((t) => t >= first + 1040);
    const spanMs = (steady.at(-1) ?? 0) - (steady[0] ?? 0);
    const rate = spanMs > 0 ? ((steady.length - 1) * 1000) / spanMs : 0;
    process.stdout.write(
      `${processes} process${processes > 1 ? 'es' : ''}: ${grants.length} grants, sustained ${rate.toFixed(1)} grants/s ` +
        `= ${((100 * rate) / LIMIT).toFixed(1)} % of the limit; busiest sliding 1 s of grants: ${maxInSlidingWindow(grants, 1000)}; ` +
        `emulator answers ${JSON.stringify(statuses)}; send lag after the slot p50 ${percentile(lags, 0.5)} ms, ` +
        `p99 ${percentile(lags, 0.99)} ms, max ${percentile(lags, 1)} ms; slots missed by late wake-ups ` +
        `${results.reduce((n, r) => n + r.missedSlots, 0)}\n`,
    );
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${run}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await admin.del(...keys);
    } while (cursor !== '0');
  }
  const stats = (await (await fetch(`${emu.url}/__emulator/stats`)).json()) as Record<string, unknown>;
  process.stdout.write(`emulator: busiest sliding second of admitted reads ${String(stats.max_reads_in_one_second)}, rate_limited ${String(stats.rate_limited)}\n`);
} finally {
  await admin.quit();
  await emu.close();
  await redis.stop();
}
