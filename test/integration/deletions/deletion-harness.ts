import type { ChildProcess } from 'node:child_process';
import express from 'express';
import { parse } from 'csv-parse/sync';
import type { DeletionJson } from '../../../src/deletions/deletion-schema.ts';
import { errorHandler } from '../../../src/http/middleware/error-handler.ts';
import { createDeletionRouter } from '../../../src/http/routes/deletion-routes.ts';
import { createImportRouter } from '../../../src/http/routes/import-routes.ts';
import type { ImportRecord } from '../../../src/imports/import-types.ts';
import type { RunningWorkers } from '../../../src/startup/start-workers.ts';
import type { EmulatorOptions } from '../../../src/emulator/index.ts';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.ts';
import { listenOnFreePort } from '../../helpers/http.ts';
import { createTestServices, type TestServices } from '../../helpers/services.ts';
import { spawnWorkerProcess } from '../../helpers/workers.ts';
import type { ResultRow } from '../imports/import-harness.ts';

export type { ResultRow } from '../imports/import-harness.ts';

/** An answer of `POST /v1/deletions`: the deletion on 202, the error (code, message) on a refusal. */
export interface Answer {
  status: number;
  body: DeletionJson;
  error: { code: string; message: string } | null;
}

/**
 * An emulator, the services on their own prefix and DATA_DIR, the import and deletion APIs on port 0, and on demand
 * in-process workers for every queue or spawned `src/worker.ts` processes. close() stops all of it.
 */
export interface DeletionHarness {
  emulator: TestEmulator;
  services: TestServices;
  baseUrl: string;
  startWorkers(): RunningWorkers;
  spawnWorker(env?: Record<string, string>): ChildProcess;
  importCsv(csv: string): Promise<string>;
  getImport(id: string): Promise<ImportRecord>;
  /** POST /v1/deletions with a CSV body and query options. */
  deleteCsv(csv: string, query?: Record<string, string>): Promise<Answer>;
  /** POST /v1/deletions with a JSON body. */
  deleteJson(body: unknown, query?: Record<string, string>): Promise<Answer>;
  get(id: string): Promise<DeletionJson>;
  waitFor(id: string, statuses: string[], timeoutMs?: number, until?: (d: DeletionJson) => boolean): Promise<DeletionJson>;
  waitForImport(id: string, timeoutMs?: number): Promise<ImportRecord>;
  results(id: string): Promise<ResultRow[]>;
  /** How many deletion jobs the queue holds in any state, and how many records exist (a refusal leaves none). */
  queued(): Promise<{ jobs: number; records: number }>;
  close(): Promise<void>;
}

async function answer(res: Response): Promise<Answer> {
  const json = (await res.json()) as Record<string, unknown>;
  const error = res.status >= 400 ? (json.error as Answer['error']) : null;
  return { status: res.status, body: json as unknown as DeletionJson, error };
}

async function poll<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number, what: (v: T) => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${what(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function createDeletionHarness(env: Record<string, string> = {}, emulatorOptions: EmulatorOptions = {}): Promise<DeletionHarness> {
  const emulator = await startTestEmulator(emulatorOptions);
  const services = createTestServices({ emulatorUrl: emulator.url, env: { IMPORT_ROWS_IN_FLIGHT: '16', ...env } });
  const app = express();
  app.use('/v1/imports', createImportRouter(services));
  app.use('/v1/deletions', createDeletionRouter(services));
  app.use(errorHandler(services.logger));
  const listening = await listenOnFreePort(app);
  const baseUrl = listening.baseUrl;
  const children: ChildProcess[] = [];
  const qs = (query: Record<string, string>) => (Object.keys(query).length > 0 ? `?${new URLSearchParams(query).toString()}` : '');

  const h: DeletionHarness = {
    emulator,
    services,
    baseUrl,
    startWorkers: () => services.startWorkers(),
    spawnWorker(extra = {}) {
      const child = spawnWorkerProcess(services, extra);
      children.push(child);
      return child;
    },
    async importCsv(csv) {
      const res = await fetch(`${baseUrl}/v1/imports`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: csv });
      const body = (await res.json()) as { id: string };
      if (res.status !== 202) throw new Error(`import answered ${res.status}: ${JSON.stringify(body)}`);
      return body.id;
    },
    async getImport(id) {
      return (await (await fetch(`${baseUrl}/v1/imports/${id}`)).json()) as ImportRecord;
    },
    async deleteCsv(csv, query = {}) {
      return answer(await fetch(`${baseUrl}/v1/deletions${qs(query)}`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: csv }));
    },
    async deleteJson(body, query = {}) {
      return answer(await fetch(`${baseUrl}/v1/deletions${qs(query)}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }));
    },
    async get(id) {
      return (await (await fetch(`${baseUrl}/v1/deletions/${id}`)).json()) as DeletionJson;
    },
    waitFor: (id, statuses, timeoutMs = 60_000, until = () => true) =>
      poll(() => h.get(id), (d) => statuses.includes(d.status) && until(d), timeoutMs, (d) => `deletion ${id} is ${d.status} ${JSON.stringify(d.counts)}`),
    waitForImport: (id, timeoutMs = 60_000) =>
      poll(() => h.getImport(id), (r) => r.status === 'completed', timeoutMs, (r) => `import ${id} is ${r.status}`),
    async results(id) {
      const res = await fetch(`${baseUrl}/v1/deletions/${id}/results`);
      if (res.status !== 200) throw new Error(`results answered ${res.status}`);
      return parse<ResultRow>(await res.text(), { columns: true });
    },
    async queued() {
      const counts = await services.queues.delete.getJobCounts();
      const jobs = Object.values(counts).reduce((a, b) => a + b, 0);
      const records = await services.redis.zcard(`${services.prefix}:deletions`);
      return { jobs, records };
    },
    async close() {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await listening.close();
      await services.close();
      await emulator.close();
    },
  };
  return h;
}
