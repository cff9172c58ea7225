/**
 * Benchmark (not a test): export 100,000 customers from the emulator at Stripe's live read limit (100 reads/s,
 * 150 ± 50 ms latency). The ceiling is 100 pages/s × 100 customers = 10,000 customers/s.
 * The export runs in a spawned, compiled worker (`node dist/src/worker.js`, as in production; BENCH_WORKER=tsx runs it under tsx) whose peak RSS (VmHWM) is read from /proc.
 * In the same run, the loop a user would write instead — stripe-node auto-pagination writing CSV — is measured
 * for a bounded time (it is sequential, so a full run would take minutes) and its rate reported.
 *
 *   npx tsx bench/export.ts            (writes bench/out/export.json)
 *
 * `timeline_per_second` (pages fetched and the worker's RSS in each second since the enqueue) shows the ramp-up,
 * the tail and when memory peaks. Knobs while tuning: BENCH_PAGES_IN_FLIGHT (default: the config default, EXPORT_PAGES_IN_FLIGHT),
 * BENCH_AUTO_PAGINATION_SECONDS=0 (skip the user's loop), BENCH_LOG_LEVEL=info (the worker's export logs, among
 * them the time spent writing the file after the last page).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { Queue } from 'bullmq';
import { stringify } from 'csv-stringify';
import { Redis } from 'ioredis';
import Stripe from 'stripe';
import { loadConfig } from '../src/config.ts';
import { customerToRow, EXPORT_COLUMNS } from '../src/csv/index.ts';
import { startEmulator, type EmulatorStats } from '../src/emulator/index.ts';
import { EXPORT_JOB_OPTIONS } from '../src/exports/export-job-data.ts';
import { newExportId } from '../src/exports/export-ids.ts';
import { ExportStore } from '../src/exports/export-store.ts';
import { QUEUE_NAMES } from '../src/queues/names.ts';
import { freePort } from '../dev/free-port.ts';
import { population } from './lib/customer-population.ts';
import { buildWorker, workerArgs, workerRuntime } from './lib/worker-entry.ts';

const CUSTOMERS = 100_000;
const READ_LIMIT = 100;
const CEILING = READ_LIMIT * 100;
const KEY = 'sk_test_bench_export';
/** The production default (src/config.ts); BENCH_PAGES_IN_FLIGHT tries another. */
const PAGES_IN_FLIGHT = process.env.BENCH_PAGES_IN_FLIGHT === undefined ? loadConfig({ STRIPE_SECRET_KEY: KEY }).exportPagesInFlight : Number(process.env.BENCH_PAGES_IN_FLIGHT);
/** BENCH_AUTO_PAGINATION_SECONDS=0 skips the user's loop (quicker runs while tuning the export). */
const AUTO_PAGINATION_SECONDS = Number(process.env.BENCH_AUTO_PAGINATION_SECONDS ?? 20);

async function startRedis(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start')), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return { url: `redis://127.0.0.1:${port}`, child };
}

async function admin<T>(url: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}/__emulator/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}


function rssOf(pid: number): { rssMb: number; hwmMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

/** What a user would write: stripe-node auto-pagination into csv-stringify, for a bounded time. */
async function autoPagination(emulatorUrl: string, path: string): Promise<{ customers: number; seconds: number; rate: number }> {
  const url = new URL(emulatorUrl);
  const stripe = new Stripe(KEY, { host: url.hostname, port: Number(url.port), protocol: 'http', telemetry: false });
  const out = createWriteStream(path);
  const csv = stringify();
  csv.pipe(out);
  csv.write([...EXPORT_COLUMNS]);
  const started = Date.now();
  let customers = 0;
  for await (const customer of stripe.customers.list({ limit: 100 })) {
    csv.write(customerToRow(customer, EXPORT_COLUMNS));
    customers += 1;
    if (Date.now() - started > AUTO_PAGINATION_SECONDS * 1000) break;
  }
  const seconds = (Date.now() - started) / 1000;
  csv.end();
  await finished(out);
  return { customers, seconds, rate: customers / seconds };
}

/** Pages fetched in each second since the enqueue, and the highest RSS sampled in it. */
function perSecond(samples: Array<{ ms: number; pages: number; rssMb: number }>): Array<{ s: number; pages: number; rss_mb: number }> {
  const out: Array<{ s: number; pages: number; rss_mb: number }> = [];
  let before = 0;
  for (let s = 1; ; s++) {
    const inSecond = samples.filter((x) => x.ms <= s * 1000 && x.ms > (s - 1) * 1000);
    if (inSecond.length === 0) break;
    const pages = Math.max(...inSecond.map((x) => x.pages));
    out.push({ s, pages: pages - before, rss_mb: Math.max(...inSecond.map((x) => x.rssMb)) });
    before = pages;
  }
  return out;
}

async function main(): Promise<void> {
  buildWorker();
  const work = mkdtempSync(join(tmpdir(), 'stripe-bulk-bench-export-'));
  const redisServer = await startRedis(work);
  const emulator = await startEmulator({ readLimit: READ_LIMIT, latencyMs: 150, jitterMs: 50, port: await freePort() });
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const prefix = `bench-export-${Date.now()}`;
  const queue = new Queue(QUEUE_NAMES.export, { connection: redis, prefix });
  let worker: ChildProcess | undefined;
  try {
    const now = Math.floor(Date.now() / 1000);
    const people = population(CUSTOMERS, now);
    for (let i = 0; i < people.length; i += 10_000) {
      await admin(emulator.url, 'seed', { customers: people.slice(i, i + 10_000) });
    }
    process.stdout.write(`seeded ${people.length} customers\n`);

    worker = spawn(process.execPath, workerArgs(), {
      env: {
        ...process.env,
        REDIS_URL: redisServer.url,
        STRIPE_SECRET_KEY: KEY,
        STRIPE_API_URL: emulator.url,
        STRIPE_READ_RPS: String(READ_LIMIT),
        QUEUE_PREFIX: prefix,
        DATA_DIR: join(work, 'data'),
        EXPORT_PAGES_IN_FLIGHT: String(PAGES_IN_FLIGHT),
        WORKER_CONCURRENCY: '1',
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const pid = worker.pid!;
    // Let the worker start (Stripe key check) so the measure starts at the export, not at process start.
    await new Promise((r) => setTimeout(r, 5000));
    const idleRss = rssOf(pid).rssMb;
    await admin(emulator.url, 'stats/reset', {});

    const store = new ExportStore(redis, prefix);
    const id = newExportId();
    await store.create({ id, options: {} });
    const queuedAt = Date.now();
    await queue.add(QUEUE_NAMES.export, { exportId: id }, { ...EXPORT_JOB_OPTIONS, jobId: id });
    let peakSampled = 0;
    // Pages and RSS every ~100 ms: shows the ramp-up, the tail and when memory peaks.
    const samples: Array<{ ms: number; pages: number; rssMb: number }> = [];
    for (;;) {
      const rssMb = rssOf(pid).rssMb;
      peakSampled = Math.max(peakSampled, rssMb);
      const record = await store.get(id);
      samples.push({ ms: Date.now() - queuedAt, pages: record?.counts.pages ?? 0, rssMb: Math.round(rssMb) });
      if (record?.status === 'completed' || record?.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const record = (await store.get(id))!;
    if (record.status !== 'completed') throw new Error(`export failed: ${record.error}`);
    const { hwmMb } = rssOf(pid);
    const stats = await admin<EmulatorStats>(emulator.url, 'stats');
    const seconds = ((record.finishedAt ?? 0) - (record.startedAt ?? 0)) / 1000;
    const rate = record.counts.customers / seconds;
    const endToEnd = record.counts.customers / (((record.finishedAt ?? 0) - queuedAt) / 1000);
    worker.kill('SIGTERM');

    process.stdout.write(`export done: ${record.counts.customers} customers in ${seconds.toFixed(1)} s; measuring auto-pagination for ${AUTO_PAGINATION_SECONDS} s\n`);
    await admin(emulator.url, 'stats/reset', {});
    const naive = AUTO_PAGINATION_SECONDS > 0 ? await autoPagination(emulator.url, join(work, 'naive.csv')) : { customers: 0, seconds: 0, rate: 0 };

    const result = {
      customers: record.counts.customers,
      pages: record.counts.pages,
      full_pages_needed: Math.ceil(CUSTOMERS / 100),
      export_seconds: Math.round(seconds * 100) / 100,
      customers_per_second: Math.round(rate),
      fraction_of_ceiling: Math.round((rate / CEILING) * 1000) / 1000,
      end_to_end_customers_per_second: Math.round(endToEnd),
      file_bytes: record.fileBytes,
      peak_rss_mb: Math.round(hwmMb),
      peak_rss_sampled_mb: Math.round(peakSampled),
      idle_worker_rss_mb: Math.round(idleRss),
      emulator: {
        max_reads_in_one_second: stats.max_reads_in_one_second,
        rate_limited: stats.rate_limited,
        requests: stats.requests,
      },
      auto_pagination: {
        customers: naive.customers,
        seconds: Math.round(naive.seconds * 10) / 10,
        customers_per_second: Math.round(naive.rate),
        fraction_of_ceiling: Math.round((naive.rate / CEILING) * 1000) / 1000,
        projected_seconds_for_all: Math.round(CUSTOMERS / naive.rate),
      },
      timeline_per_second: perSecond(samples),
      settings: { worker: workerRuntime(), read_limit: READ_LIMIT, latency_ms: '150 ± 50', pages_in_flight: PAGES_IN_FLIGHT, ceiling_customers_per_second: CEILING },
    };
    mkdirSync('bench/out', { recursive: true });
    writeFileSync('bench/out/export.json', `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    if (worker && worker.exitCode === null) worker.kill('SIGKILL');
    await queue.close();
    await redis.quit();
    await emulator.close();
    redisServer.child.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
