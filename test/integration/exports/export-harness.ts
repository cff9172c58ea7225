import type { ChildProcess } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import type { Processor, Worker } from 'bullmq';
import { parse } from 'csv-parse/sync';
import express from 'express';
import { createExportProcessor, EXPORT_WORKER_OPTIONS } from '../../../jobs/export-customers.ts';
import type { EmulatorOptions } from '../../../src/emulator/index.ts';
import type { ExportJson } from '../../../src/exports/export-schema.ts';
import { errorHandler } from '../../../src/http/middleware/error-handler.ts';
import { createExportRouter, createExportScheduleRouter } from '../../../src/http/routes/export-routes.ts';
import { QUEUE_NAMES } from '../../../src/queues/names.ts';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.ts';
import { listenOnFreePort } from '../../helpers/http.ts';
import { createTestServices, type TestServices } from '../../helpers/services.ts';
import { spawnWorkerProcess, startQueueWorker, type WorkerEntry } from '../../helpers/workers.ts';

/** An export as `GET /v1/exports/:id` answers it: the server's own type. */
export type { ExportJson };

/** A downloaded export file. */
export interface ExportFile {
  status: number;
  headers: Headers;
  raw: Buffer;
  text: string;
  header: string[];
  rows: string[][];
}

/**
 * An emulator, services with their own prefix and DATA_DIR, the export API on port 0 (plus any extra routers, e.g.
 * imports for the round trip), in-process export workers or spawned `src/worker.ts` processes on demand.
 */
export interface ExportHarness {
  emulator: TestEmulator;
  services: TestServices;
  baseUrl: string;
  startWorker(): Worker;
  spawnWorker(env?: Record<string, string>, entry?: WorkerEntry): ChildProcess;
  /** Any route: the parsed JSON (read it with test/helpers/api-json.ts), the text, or `undefined` when empty. */
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  createExport(options?: Record<string, unknown>): Promise<ExportJson>;
  get(id: string): Promise<ExportJson>;
  waitFor(id: string, statuses: string[], timeoutMs?: number, until?: (e: ExportJson) => boolean): Promise<ExportJson>;
  download(id: string): Promise<ExportFile>;
  /** Creates an export, waits for it and downloads its file. */
  exportFile(options?: Record<string, unknown>): Promise<{ record: ExportJson; file: ExportFile }>;
  close(): Promise<void>;
}

export async function createExportHarness(
  options: {
    emulator?: EmulatorOptions;
    /** Environment overrides; a function gets the emulator's URL (e.g. for STRIPE_SCIM_URL). */
    env?: Record<string, string> | ((emulatorUrl: string) => Record<string, string>);
    routers?: (services: TestServices) => Array<[string, express.Router]>;
  } = {},
): Promise<ExportHarness> {
  const emulator = await startTestEmulator(options.emulator);
  const env = typeof options.env === 'function' ? options.env(emulator.url) : options.env;
  const services = createTestServices({ emulatorUrl: emulator.url, env: { EXPORT_PAGES_IN_FLIGHT: '8', ...env } });
  const app = express();
  app.use('/v1/exports', createExportRouter(services));
  app.use('/v1/export-schedules', createExportScheduleRouter(services));
  for (const [path, router] of options.routers?.(services) ?? []) app.use(path, router);
  app.use(errorHandler(services.logger));
  const listening = await listenOnFreePort(app);
  const baseUrl = listening.baseUrl;
  const workers: Worker[] = [];
  const children: ChildProcess[] = [];

  const harness: ExportHarness = {
    emulator,
    services,
    baseUrl,
    startWorker() {
      const worker = startQueueWorker(services, QUEUE_NAMES.export, createExportProcessor(services) as Processor, EXPORT_WORKER_OPTIONS);
      workers.push(worker);
      return worker;
    },
    spawnWorker(env = {}, entry = 'source') {
      const child = spawnWorkerProcess(services, env, entry);
      children.push(child);
      return child;
    },
    async request(method, path, body) {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      const json = (res.headers.get('content-type') ?? '').includes('application/json');
      return { status: res.status, body: text === '' ? undefined : json ? (JSON.parse(text) as unknown) : text };
    },
    async createExport(body = {}) {
      const res = await harness.request('POST', '/v1/exports', body);
      if (res.status !== 202) throw new Error(`POST /v1/exports answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body as ExportJson;
    },
    async get(id) {
      return (await harness.request('GET', `/v1/exports/${id}`)).body as ExportJson;
    },
    async waitFor(id, statuses, timeoutMs = 30_000, until = () => true) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const record = await harness.get(id);
        if (statuses.includes(record.status) && until(record)) return record;
        if (Date.now() > deadline) {
          throw new Error(`export ${id} is ${record.status} (${JSON.stringify(record.counts)} ${record.error ?? ''}), not ${statuses.join('|')}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async download(id) {
      const res = await fetch(`${baseUrl}/v1/exports/${id}/file`);
      const raw = Buffer.from(await res.arrayBuffer());
      const gzip = res.headers.get('content-type') === 'application/gzip';
      const text = res.status === 200 ? (gzip ? gunzipSync(raw) : raw).toString('utf8') : raw.toString('utf8');
      const records = res.status === 200 ? parse(text, { relax_column_count: false }) : [];
      return { status: res.status, headers: res.headers, raw, text, header: records[0] ?? [], rows: records.slice(1) };
    },
    async exportFile(body = {}) {
      const created = await harness.createExport(body);
      const record = await harness.waitFor(created.id, ['completed', 'failed']);
      if (record.status !== 'completed') throw new Error(`export failed: ${record.error}`);
      return { record, file: await harness.download(created.id) };
    },
    async close() {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.close(true)));
      await listening.close();
      await services.close();
      await emulator.close();
    },
  };
  return harness;
}

/** Resolves when a spawned process has exited. */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Column of `name` in a file's header. */
export function columnOf(file: ExportFile, name: string): number {
  const i = file.header.indexOf(name);
  if (i === -1) throw new Error(`no column ${name} in ${file.header.join(',')}`);
  return i;
}

/** The ids of a file, in file order. */
export function idsOf(file: ExportFile): string[] {
  const i = columnOf(file, 'id');
  return file.rows.map((r) => r[i] ?? '');
}
