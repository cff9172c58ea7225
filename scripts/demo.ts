/**
 * `npm run demo`: the whole product on one machine with nothing but Node 20 and Debian's redis-server.
 * Starts a local Redis (unless REDIS_URL is set) and the Stripe emulator (unless STRIPE_SECRET_KEY is set),
 * the HTTP API with its workers, imports samples/customers.csv through the API, exports every customer,
 * and prints a summary with the paths of the results and export files and the Bull Board URL.
 * `npm run demo -- --serve` keeps everything running afterwards so the board and the page can be opened.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { loadConfig } from '../src/config.ts';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.ts';
import { createApp } from '../src/http/app.ts';
import { createLogger } from '../src/logger.ts';
import { startWorkers } from '../src/queues/start-workers.ts';
import { createServices } from '../src/services.ts';
import { freePort, startLocalRedis, type LocalRedis } from '../src/startup/local-redis.ts';

const serve = process.argv.includes('--serve');
const sample = resolve(process.argv.find((a) => a.endsWith('.csv')) ?? 'samples/customers.csv');
const dataDir = resolve(process.env.DATA_DIR ?? 'data/demo');
mkdirSync(dataDir, { recursive: true });

let redis: LocalRedis | undefined;
let emulator: RunningEmulator | undefined;
const env: Record<string, string | undefined> = { ...process.env, DATA_DIR: dataDir };
if (!env.REDIS_URL) {
  redis = await startLocalRedis();
  env.REDIS_URL = redis.url;
}
if (!env.STRIPE_SECRET_KEY) {
  // A rehearsal: the emulator with test-mode limits and a little latency, as a real test-mode account.
  emulator = await startEmulator({ port: 0, latencyMs: 40, jitterMs: 20, readLimit: 25, writeLimit: 25, searchLimit: 20 });
  env.STRIPE_SECRET_KEY = 'sk_test_demo';
  env.STRIPE_API_URL = emulator.url;
}
const boardPassword = env.BOARD_PASSWORD ?? randomBytes(9).toString('base64url');
env.BOARD_USER ??= 'demo';
env.BOARD_PASSWORD = boardPassword;
env.PORT ??= String(await freePort());
env.LOG_LEVEL ??= 'warn';

const config = loadConfig(env);
const services = createServices(config, createLogger(config.logLevel, { process: 'demo' }));
const workers = startWorkers(services);
const app = createApp(services, { keyStatus: () => ({ ok: true, message: 'demo' }) });
const server: Server = await new Promise((ok) => {
  const s = app.listen(config.port, '127.0.0.1', () => ok(s));
});
const base = `http://127.0.0.1:${config.port}`;

async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`${base}${path}`, init);
  const body = (await res.json()) as T & { error?: { message: string } };
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${path} -> ${res.status}: ${body.error?.message ?? ''}`);
  return body;
}

async function waitFor<T extends { status: string }>(path: string, label: string): Promise<T> {
  const deadline = Date.now() + 10 * 60_000;
  let lastLine = '';
  for (;;) {
    const record = await api<T>(path);
    const line = `${label}: ${record.status} ${JSON.stringify((record as { counts?: unknown }).counts ?? {})}`;
    // On a terminal the line is redrawn in place; in a log, one line per change.
    if (process.stdout.isTTY) process.stdout.write(`\r${line}   `);
    else if (line !== lastLine) process.stdout.write(`${line}\n`);
    lastLine = line;
    if (['completed', 'failed', 'cancelled'].includes(record.status)) {
      if (process.stdout.isTTY) process.stdout.write('\n');
      return record;
    }
    if (Date.now() > deadline) throw new Error(`${label} did not finish within 10 minutes`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function download(path: string, file: string): Promise<void> {
  const res = await fetch(`${base}${path}`);
  if (!res.ok || !res.body) throw new Error(`GET ${path} -> ${res.status}`);
  const chunks: Buffer[] = [];
  for await (const chunk of Readable.fromWeb(res.body as import('node:stream/web').ReadableStream)) chunks.push(chunk as Buffer);
  writeFileSync(file, Buffer.concat(chunks));
}

let exitCode = 0;
try {
  console.log(`stripe-bulk demo — Stripe: ${emulator ? `emulator at ${emulator.url} (25 req/s, test-mode limits)` : 'api.stripe.com'}`);
  console.log(`Importing ${sample} …`);
  const started = Date.now();
  const created = await api<{ id: string }>('/v1/imports?mode=create', {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: Readable.toWeb(createReadStream(sample)) as unknown as BodyInit,
    duplex: 'half',
  } as RequestInit);
  const imported = await waitFor<{ status: string; counts: Record<string, number> }>(`/v1/imports/${created.id}`, `import ${created.id}`);
  const resultsFile = join(dataDir, `${created.id}.results.csv`);
  await download(`/v1/imports/${created.id}/results`, resultsFile);
  console.log(`Import ${imported.status} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(imported.counts)}`);

  console.log('Exporting every customer …');
  const exp = await api<{ id: string }>('/v1/exports', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  const exported = await waitFor<{ status: string; counts: Record<string, number> }>(`/v1/exports/${exp.id}`, `export ${exp.id}`);
  const exportFile = join(dataDir, `${exp.id}.csv`);
  await download(`/v1/exports/${exp.id}/file`, exportFile);

  console.log('\nSummary');
  console.log(`  import ${created.id}: ${imported.status} ${JSON.stringify(imported.counts)}`);
  console.log(`  results file: ${resultsFile}`);
  console.log(`  export ${exp.id}: ${exported.status} ${JSON.stringify(exported.counts)}`);
  console.log(`  export file:  ${exportFile}`);
  console.log(`  Bull Board:   ${base}/admin/queues  (user ${config.board.user}, password ${boardPassword})`);
  console.log(`  Upload page:  ${base}/`);
  if (imported.status !== 'completed' || exported.status !== 'completed') exitCode = 1;
} catch (err) {
  console.error(`demo failed: ${(err as Error).message}`);
  exitCode = 1;
}

async function stop(): Promise<void> {
  server.close();
  await workers.close(5_000);
  await services.close();
  await emulator?.close();
  await redis?.stop();
}

if (serve && exitCode === 0) {
  console.log('\nServing until Ctrl-C (--serve).');
  const onSignal = () => void stop().then(() => process.exit(0));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
} else {
  if (!serve) console.log('\n(The servers stop now; `npm run demo -- --serve` keeps them up to browse the board.)');
  await stop();
  process.exit(exitCode);
}
