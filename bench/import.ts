/**
 * Benchmark (not a test): 5,000 rows into the emulator at Stripe's live limits (100 reads/s, 100 writes/s,
 * 150 ± 50 ms latency), 10% of rows repeating an email earlier in the input, 10% of emails already in Stripe.
 * Runs with 1 worker process (one import of 5,000 rows) and with 3 (three imports of ~1,667 rows at once).
 * Every row costs one read (lower-case emails), so the ceiling is 100 rows/s.
 *
 *   npx tsx bench/import.ts            (writes bench/out/import.json)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startEmulator, type EmulatorStats } from '../src/emulator/index.ts';
import { enqueueImport } from '../src/imports/enqueue-import.ts';
import { inputPath, newImportId } from '../src/imports/import-paths.ts';
import { createImportStore } from '../src/imports/import-store.ts';
import { QUEUE_NAMES } from '../src/queues/names.ts';
import { freePort } from '../test/helpers/free-port.ts';

const ROWS = 5_000;
const LIMIT = 100;
const KEY = 'sk_test_bench_import';

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

/** The rows: unique emails, with every 10th row repeating an email from earlier in the whole input. */
function buildEmails(): string[] {
  const emails: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    emails.push(i % 10 === 9 ? (emails[i - 5] as string) : `bench.user${i}@example.com`);
  }
  return emails;
}

async function adminCall<T>(url: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}/__emulator/${path}`, {
    method: body === undefined && path === 'stats' ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function scenario(processes: number, redisUrl: string, emulatorUrl: string, dataDir: string) {
  const prefix = `bench-${processes}p-${Date.now()}`;
  await adminCall(emulatorUrl, 'reset', {});
  const emails = buildEmails();
  const unique = [...new Set(emails)];
  // 10% of the rows' emails already exist in Stripe: every 10th unique email.
  const seeded = unique.filter((_, i) => i % 9 === 4).slice(0, ROWS / 10);
  await adminCall(emulatorUrl, 'seed', { customers: seeded.map((email) => ({ email, name: 'Already here' })) });
  await adminCall(emulatorUrl, 'stats/reset', {});

  const env = {
    ...process.env,
    REDIS_URL: redisUrl,
    STRIPE_SECRET_KEY: KEY,
    STRIPE_API_URL: emulatorUrl,
    STRIPE_READ_RPS: String(LIMIT),
    STRIPE_WRITE_RPS: String(LIMIT),
    QUEUE_PREFIX: prefix,
    DATA_DIR: dataDir,
    WORKER_CONCURRENCY: '1',
    LOG_LEVEL: 'warn',
  };
  const workers = Array.from({ length: processes }, () =>
    spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], { env, stdio: ['ignore', 'ignore', 'inherit'] }),
  );
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUE_NAMES.import, { connection: redis, prefix });
  try {
    while ((await queue.getWorkersCount()) < processes) await new Promise((r) => setTimeout(r, 200));
    const store = createImportStore(redis, prefix);
    const perImport = Math.ceil(ROWS / processes);
    const ids: string[] = [];
    for (let p = 0; p < processes; p++) {
      const id = newImportId();
      const path = inputPath(dataDir, id);
      mkdirSync(join(path, '..'), { recursive: true });
      const slice = emails.slice(p * perImport, (p + 1) * perImport);
      writeFileSync(path, `email,name\n${slice.map((e, i) => `${e},Bench ${p * perImport + i + 1}`).join('\n')}\n`);
      await store.create({ id, mode: 'create', dryRun: false, fileName: `bench-${p}.csv`, sizeBytes: 0 });
      ids.push(id);
    }
    const started = Date.now();
    await Promise.all(ids.map((id, p) => enqueueImport(queue, { importId: id, mode: 'create', dryRun: false, fileName: `bench-${p}.csv` })));
    let records = await Promise.all(ids.map((id) => store.get(id)));
    while (!records.every((r) => r && ['completed', 'failed', 'cancelled'].includes(r.status))) {
      await new Promise((r) => setTimeout(r, 250));
      records = await Promise.all(ids.map((id) => store.get(id)));
    }
    const seconds = (Date.now() - started) / 1000;
    const stats = await adminCall<EmulatorStats>(emulatorUrl, 'stats');
    const counts = records.reduce(
      (sum, r) => {
        for (const [k, v] of Object.entries(r?.counts ?? {})) sum[k] = (sum[k] ?? 0) + v;
        return sum;
      },
      {} as Record<string, number>,
    );
    const rowsPerS = ROWS / seconds;
    return {
      worker_processes: processes,
      imports: ids.length,
      rows: ROWS,
      seconds: Math.round(seconds * 10) / 10,
      rows_per_s: Math.round(rowsPerS * 10) / 10,
      fraction_of_ceiling: Math.round((rowsPerS / LIMIT) * 1000) / 1000,
      rate_limited_429: stats.rate_limited,
      duplicates: stats.duplicate_emails.length,
      max_reads_in_one_second: stats.max_reads_in_one_second,
      max_writes_in_one_second: stats.max_writes_in_one_second,
      requests: stats.requests,
      counts,
      per_import: records.map((r) => ({
        status: r?.status,
        rows: r?.counts.total,
        seconds_queued: r?.started_at ? (Date.parse(r.started_at) - started) / 1000 : null,
        seconds_running: r?.started_at && r.finished_at ? (Date.parse(r.finished_at) - Date.parse(r.started_at)) / 1000 : null,
      })),
    };
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
    await queue.close();
    redis.disconnect();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'bench-import-'));
const { url: redisUrl, child: redisChild } = await startRedis(dir);
const emulator = await startEmulator({ latencyMs: 150, jitterMs: 50, readLimit: LIMIT, writeLimit: LIMIT });
const results = [];
try {
  for (const processes of [1, 3]) {
    const result = await scenario(processes, redisUrl, emulator.url, join(dir, `data-${processes}`));
    console.log(
      `${processes} worker process(es): ${result.rows} rows in ${result.seconds} s = ${result.rows_per_s} rows/s = ` +
        `${(result.fraction_of_ceiling * 100).toFixed(1)}% of the ${LIMIT} rows/s ceiling; 429s: ${result.rate_limited_429}; ` +
        `duplicates: ${result.duplicates}; peak reads/s ${result.max_reads_in_one_second}, writes/s ${result.max_writes_in_one_second}`,
    );
    results.push(result);
  }
  mkdirSync('bench/out', { recursive: true });
  writeFileSync('bench/out/import.json', `${JSON.stringify({ at: new Date().toISOString(), limit_rps: LIMIT, latency_ms: '150 ± 50', scenarios: results }, null, 2)}\n`);
} finally {
  await emulator.close();
  redisChild.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
