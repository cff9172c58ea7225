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
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config.ts';
import { EXPORT_JOB_OPTIONS } from '../src/exports/export-job-data.ts';
import { newExportId } from '../src/exports/export-ids.ts';
import type { ExportRecord } from '../src/exports/export-record.ts';
import { ExportStore } from '../src/exports/export-store.ts';
import { QUEUE_NAMES } from '../src/queues/names.ts';
import { startLocalRedis } from '../dev/local-redis.ts';
import { BENCH_KEY, startBenchEmulator, type BenchEmulator } from './lib/bench-emulator.ts';
import { population } from './lib/customer-population.ts';
import { autoPaginationExport } from './lib/export-runner.ts';
import { peakRssMb, rssMb } from './lib/proc-stats.ts';
import { buildWorker, workerArgs, workerRuntime } from './lib/worker-entry.ts';

const CUSTOMERS = 100_000;
const READ_LIMIT = 100;
const CEILING = READ_LIMIT * 100;
/** The production default (src/config.ts); BENCH_PAGES_IN_FLIGHT tries another. */
const PAGES_IN_FLIGHT = process.env.BENCH_PAGES_IN_FLIGHT === undefined ? loadConfig({ STRIPE_SECRET_KEY: BENCH_KEY }).exportPagesInFlight : Number(process.env.BENCH_PAGES_IN_FLIGHT);
/** BENCH_AUTO_PAGINATION_SECONDS=0 skips the user's loop (quicker runs while tuning the export). */
const AUTO_PAGINATION_SECONDS = Number(process.env.BENCH_AUTO_PAGINATION_SECONDS ?? 20);

type Sample = { ms: number; pages: number; rssMb: number };

/** Pages fetched in each second since the enqueue, and the highest RSS sampled in it. */
function perSecond(samples: Sample[]): Array<{ s: number; pages: number; rss_mb: number }> {
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

/** One compiled worker process, as production runs it; its pid once spawned. */
function startWorker(env: Record<string, string>): { child: ChildProcess; pid: number } {
  const child = spawn(process.execPath, workerArgs(), { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
  if (child.pid === undefined) throw new Error('the worker process could not be spawned');
  return { child, pid: child.pid };
}

/** SIGTERM, then SIGKILL if the worker has not exited after its grace period. */
async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

/** Enqueues one export of every customer and samples pages and the worker's RSS every ~100 ms until it ends. */
async function sampleExport(redis: Redis, prefix: string, pid: number) {
  const store = new ExportStore(redis, prefix);
  const queue = new Queue(QUEUE_NAMES.export, { connection: redis, prefix });
  try {
    const id = newExportId();
    await store.create({ id, options: {} });
    const queuedAt = Date.now();
    await queue.add(QUEUE_NAMES.export, { exportId: id }, { ...EXPORT_JOB_OPTIONS, jobId: id });
    let peakSampled = 0;
    const samples: Sample[] = [];
    for (;;) {
      const rss = rssMb(pid);
      peakSampled = Math.max(peakSampled, rss);
      const record = await store.get(id);
      samples.push({ ms: Date.now() - queuedAt, pages: record?.counts.pages ?? 0, rssMb: Math.round(rss) });
      if (record?.status === 'completed') return { record, queuedAt, peakSampled, samples };
      if (record === null || record.status === 'failed') throw new Error(`export failed: ${record?.error ?? 'record missing'}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await queue.close();
  }
}

/** The export in a fresh worker process: its record, the RSS figures and the emulator's counts. */
async function measureExport(work: string, redisUrl: string, redis: Redis, emulator: BenchEmulator) {
  const prefix = `bench-export-${Date.now()}`;
  const worker = startWorker({
    REDIS_URL: redisUrl,
    STRIPE_SECRET_KEY: BENCH_KEY,
    STRIPE_API_URL: emulator.url,
    STRIPE_READ_RPS: String(READ_LIMIT),
    QUEUE_PREFIX: prefix,
    DATA_DIR: join(work, 'data'),
    EXPORT_PAGES_IN_FLIGHT: String(PAGES_IN_FLIGHT),
    WORKER_CONCURRENCY: '1',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
  });
  try {
    // Let the worker start (Stripe key check) so the measure starts at the export, not at process start.
    await new Promise((r) => setTimeout(r, 5000));
    const idleRss = rssMb(worker.pid);
    await emulator.resetStats();
    const sampled = await sampleExport(redis, prefix, worker.pid);
    return { ...sampled, idleRss, hwmMb: peakRssMb(worker.pid), stats: await emulator.stats() };
  } finally {
    await stopWorker(worker.child);
  }
}

type Measured = Awaited<ReturnType<typeof measureExport>> & { naive: { customers: number; seconds: number; rate: number } };

function exportResult({ record, queuedAt, peakSampled, samples, idleRss, hwmMb, stats, naive }: Measured) {
  const seconds = ((record.finishedAt ?? 0) - (record.startedAt ?? 0)) / 1000;
  const rate = record.counts.customers / seconds;
  const endToEnd = record.counts.customers / (((record.finishedAt ?? 0) - queuedAt) / 1000);
  return {
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
    emulator: { max_reads_in_one_second: stats.max_reads_in_one_second, rate_limited: stats.rate_limited, requests: stats.requests },
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
}

/** What a user would write: stripe-node auto-pagination into csv-stringify, for a bounded time. */
async function measureAutoPagination(emulator: BenchEmulator, path: string): Promise<Measured['naive']> {
  if (AUTO_PAGINATION_SECONDS <= 0) return { customers: 0, seconds: 0, rate: 0 };
  await emulator.resetStats();
  const { customers, seconds } = await autoPaginationExport(emulator.client(), { path, seconds: AUTO_PAGINATION_SECONDS });
  return { customers, seconds, rate: customers / seconds };
}

function reportExportDone(record: ExportRecord): void {
  const seconds = ((record.finishedAt ?? 0) - (record.startedAt ?? 0)) / 1000;
  process.stdout.write(`export done: ${record.counts.customers} customers in ${seconds.toFixed(1)} s; measuring auto-pagination for ${AUTO_PAGINATION_SECONDS} s\n`);
}

async function main(): Promise<void> {
  buildWorker();
  const work = mkdtempSync(join(tmpdir(), 'stripe-bulk-bench-export-'));
  const redisServer = await startLocalRedis();
  const emulator = await startBenchEmulator({ readLimit: READ_LIMIT, latencyMs: 150, jitterMs: 50 });
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  try {
    const people = population(CUSTOMERS, Math.floor(Date.now() / 1000));
    for (let i = 0; i < people.length; i += 10_000) await emulator.seed({ customers: people.slice(i, i + 10_000) });
    process.stdout.write(`seeded ${people.length} customers\n`);
    const measured = await measureExport(work, redisServer.url, redis, emulator);
    reportExportDone(measured.record);
    const naive = await measureAutoPagination(emulator, join(work, 'naive.csv'));
    const result = exportResult({ ...measured, naive });
    mkdirSync('bench/out', { recursive: true });
    writeFileSync('bench/out/export.json', `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await redis.quit();
    await emulator.close();
    await redisServer.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
