/**
 * `npm run demo`: the whole product on one machine with nothing but Node 20 and Debian's redis-server.
 * Starts a local Redis (unless REDIS_URL is set) and the Stripe emulator (unless STRIPE_SECRET_KEY is set),
 * the HTTP API with its workers, imports samples/customers.csv through the API, exports every customer,
 * and prints a summary with the paths of the results and export files and the Bull Board URL.
 * `npm run demo -- --serve` keeps everything running afterwards, on PORT (default 3000, the CLI's default) when it
 * is free, and prints the environment the CLI needs. API_TOKEN is honoured: the API requires it, the demo sends it.
 * Everything the demo starts is stopped on every way out: success, error, bad configuration, SIGINT, SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { importOutcomeRows } from '../src/cli/job-outcome.ts';
import { ConfigError, loadConfig, type Config } from '../src/config.ts';
import { startEmulator } from '../src/emulator/index.ts';
import { createApp } from '../src/http/app.ts';
import type { ImportCounts } from '../src/imports/import-types.ts';
import { createLogger } from '../src/logger.ts';
import { startWorkers } from '../src/startup/start-workers.ts';
import { createServices } from '../src/services.ts';
import { startLocalRedis } from '../dev/local-redis.ts';

const serve = process.argv.includes('--serve');
const sample = resolve(process.argv.find((a) => a.endsWith('.csv')) ?? 'samples/customers.csv');
const dataDir = resolve(process.env.DATA_DIR ?? 'data/demo');

/** What the demo started, stopped in reverse order. */
const running: Array<{ name: string; stop: () => Promise<void> }> = [];
const aborted = new AbortController();
let exiting = false;

/** Stops everything started so far and exits; the only way out of this script. */
async function shutdown(code: number, message?: string): Promise<never> {
  if (!exiting) {
    exiting = true;
    aborted.abort();
    if (message) process.stderr.write(`${message}\n`);
    // A stuck close must not keep a Ctrl-C from ending the demo; the children still get their signal first.
    setTimeout(() => process.exit(code), 15_000).unref();
    for (const item of running.reverse()) {
      await item.stop().catch((err: unknown) => {
        process.stderr.write(`demo: could not stop ${item.name}: ${err instanceof Error ? err.message : String(err)}\n`);
      });
    }
    process.exit(code);
  }
  return new Promise<never>(() => undefined);
}
process.once('SIGINT', () => void shutdown(serve ? 0 : 130, '\nInterrupted: stopping the demo.'));
process.once('SIGTERM', () => void shutdown(serve ? 0 : 143));

/** Listens on `port`, or on a free port when it is taken; says which. */
function listen(app: ReturnType<typeof createApp>, port: number, host: string): Promise<Server> {
  return new Promise((done, fail) => {
    const server = app.listen(port, host);
    server.once('listening', () => done(server));
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EADDRINUSE' || port === 0) { fail(err); return; }
      console.log(`Port ${port} is in use; the demo serves on another port (see STRIPE_BULK_URL below).`);
      const other = app.listen(0, host);
      other.once('listening', () => done(other));
      other.once('error', fail);
    });
  });
}

/** Redis (unless REDIS_URL is set) and the emulator (unless STRIPE_SECRET_KEY is set); the emulator's URL if started. */
async function startDependencies(env: Record<string, string | undefined>): Promise<string | undefined> {
  if (!env.REDIS_URL) {
    const redis = await startLocalRedis({ signal: aborted.signal });
    running.push({ name: 'redis-server', stop: () => redis.stop() });
    env.REDIS_URL = redis.url;
  }
  if (env.STRIPE_SECRET_KEY) return undefined;
  // A rehearsal: the emulator with test-mode limits and a little latency, as a real test-mode account.
  const emulator = await startEmulator({ port: 0, latencyMs: 40, jitterMs: 20, readLimit: 25, writeLimit: 25, searchLimit: 20 });
  running.push({ name: 'the emulator', stop: () => emulator.close() });
  env.STRIPE_SECRET_KEY = 'sk_test_demo';
  env.STRIPE_API_URL = emulator.url;
  return emulator.url;
}

/** The API and its workers in this process; the URL to type and the headers the API wants. */
async function startProduct(config: Config): Promise<{ base: string; auth: Record<string, string> }> {
  const services = createServices(config, createLogger(config.logLevel, { process: 'demo' }));
  running.push({ name: 'Redis connections', stop: () => services.close() });
  const workers = startWorkers(services);
  running.push({ name: 'the workers', stop: () => workers.close(5_000) });
  const app = createApp(services, { keyStatus: () => ({ ok: true, message: 'demo' }) });
  const server = await listen(app, config.port, config.host);
  running.push({
    name: 'the HTTP server',
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  });
  // 0.0.0.0 is where it listens, not an address to type.
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const base = `http://${host}:${(server.address() as AddressInfo).port}`;
  return { base, auth: config.apiToken ? { authorization: `Bearer ${config.apiToken}` } : {} };
}

/** The parts of `GET /v1/imports/:id` and `GET /v1/exports/:id` the demo prints. */
type JobJson = { status: string; dry_run?: boolean; counts?: ImportCounts | { customers: number }; file?: { bytes: number } | null };

/** What a user understands: rows by outcome for an import; customers, and the file's final size, for an export. */
function describe(record: JobJson): string {
  const c = record.counts ?? { customers: 0 };
  if ('total' in c) {
    // The CLI's labels (`would create` in a dry run), only the outcomes that happened.
    const outcomes = importOutcomeRows(c, record.dry_run === true).filter(([, n]) => n > 0);
    return `${c.processed} of ${c.total} rows${outcomes.length ? `: ${outcomes.map(([label, n]) => `${n} ${label}`).join(', ')}` : ''}`;
  }
  const file = record.file ? `, file ${record.file.bytes.toLocaleString('en')} bytes` : '';
  return `${c.customers} customers${file}`;
}

/** The demo's calls to its own API, as a user's script would make them. */
class DemoClient {
  constructor(
    private readonly base: string,
    private readonly auth: Record<string, string>,
  ) {}

  async api<T>(path: string, init: RequestInit = {}): Promise<T> {
    const res = await fetch(`${this.base}${path}`, { ...init, headers: { ...this.auth, ...(init.headers as Record<string, string>) } });
    const body = (await res.json()) as T & { error?: { message: string } };
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path} -> ${res.status}: ${body.error?.message ?? ''}`);
    return body;
  }

  async waitFor(path: string, label: string): Promise<JobJson> {
    const deadline = Date.now() + 10 * 60_000;
    let lastLine = '';
    for (;;) {
      const record = await this.api<JobJson>(path);
      const line = `${label}: ${record.status}, ${describe(record)}`;
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

  async download(path: string, file: string): Promise<void> {
    const res = await fetch(`${this.base}${path}`, { headers: this.auth });
    if (!res.ok || !res.body) throw new Error(`GET ${path} -> ${res.status}`);
    const chunks: Buffer[] = [];
    for await (const chunk of Readable.fromWeb(res.body as import('node:stream/web').ReadableStream)) chunks.push(chunk as Buffer);
    writeFileSync(file, Buffer.concat(chunks));
  }
}

/** Imports the sample through the API, then exports every customer; both files downloaded under DATA_DIR. */
async function importThenExport(client: DemoClient) {
  console.log(`Importing ${sample} …`);
  const started = Date.now();
  const created = await client.api<{ id: string }>('/v1/imports?mode=create', {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: Readable.toWeb(createReadStream(sample)) as unknown as BodyInit,
    duplex: 'half',
  } as RequestInit);
  const imported = await client.waitFor(`/v1/imports/${created.id}`, `import ${created.id}`);
  const resultsFile = join(dataDir, `${created.id}.results.csv`);
  await client.download(`/v1/imports/${created.id}/results`, resultsFile);
  console.log(`Import ${imported.status} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${describe(imported)}`);

  console.log('Exporting every customer …');
  const exp = await client.api<{ id: string }>('/v1/exports', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const exported = await client.waitFor(`/v1/exports/${exp.id}`, `export ${exp.id}`);
  const exportFile = join(dataDir, `${exp.id}.csv`);
  await client.download(`/v1/exports/${exp.id}/file`, exportFile);

  console.log('\nSummary');
  console.log(`  import ${created.id}: ${imported.status}, ${describe(imported)}`);
  console.log(`  results file: ${resultsFile}`);
  console.log(`  export ${exp.id}: ${exported.status}, ${describe(exported)}`);
  console.log(`  export file:  ${exportFile}`);
  return imported.status === 'completed' && exported.status === 'completed';
}

async function main(): Promise<number> {
  mkdirSync(dataDir, { recursive: true });
  const env: Record<string, string | undefined> = { ...process.env, DATA_DIR: dataDir };
  env.PORT ??= '3000';
  env.LOG_LEVEL ??= 'warn';
  // Checked before anything starts: a bad variable is one message, and nothing is left to stop.
  loadConfig({ ...env, REDIS_URL: env.REDIS_URL ?? 'redis://127.0.0.1:6379', STRIPE_SECRET_KEY: env.STRIPE_SECRET_KEY ?? 'sk_test_demo' });

  const emulatorUrl = await startDependencies(env);
  const boardPassword = env.BOARD_PASSWORD ?? randomBytes(9).toString('base64url');
  env.BOARD_USER ??= 'demo';
  env.BOARD_PASSWORD = boardPassword;
  const config = loadConfig(env);
  const { base, auth } = await startProduct(config);

  console.log(`stripe-bulk demo — Stripe: ${emulatorUrl ? `emulator at ${emulatorUrl} (25 req/s, test-mode limits)` : 'api.stripe.com'}`);
  const ok = await importThenExport(new DemoClient(base, auth));
  console.log(`  Bull Board:   ${base}/admin/queues  (user ${config.board.user}, password ${boardPassword})`);
  console.log(`  Upload page:  ${base}/${config.apiToken ? '  (paste API_TOKEN in its token field)' : ''}`);
  if (!serve) {
    console.log('\n(The servers stop now; `npm run demo -- --serve` keeps them up to browse the board and use the CLI.)');
    return ok ? 0 : 1;
  }
  if (!ok) return 1;
  console.log('\nServing until Ctrl-C (--serve). The CLI, in another shell (after `npm link`; or `npm run cli -- …` in the checkout):');
  console.log(`  export STRIPE_BULK_URL=${base}`);
  if (config.apiToken) console.log(`  export STRIPE_BULK_TOKEN=${config.apiToken}`);
  console.log('  stripe-bulk import samples/customers.csv --dry-run');
  return new Promise<number>(() => undefined);
}

try {
  await shutdown(await main());
} catch (err) {
  if (err instanceof ConfigError) {
    await shutdown(2, `demo: ${err.message}\nSee .env.example for every variable.`);
  }
  await shutdown(1, `demo failed: ${err instanceof Error ? err.message : String(err)}`);
}
