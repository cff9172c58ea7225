import type { ChildProcess } from 'node:child_process';
import type { Processor, Worker } from 'bullmq';
import express from 'express';
import { parse } from 'csv-parse/sync';
import { createImportProcessor, IMPORT_WORKER_OPTIONS } from '../../../jobs/import-customers.ts';
import type { EmulatorOptions } from '../../../src/emulator/index.ts';
import { errorHandler } from '../../../src/http/middleware/error-handler.ts';
import { createImportRouter } from '../../../src/http/routes/import-routes.ts';
import type { ImportRecord } from '../../../src/imports/import-types.ts';
import { QUEUE_NAMES } from '../../../src/queues/names.ts';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.ts';
import { listenOnFreePort } from '../../helpers/http.ts';
import { createTestServices, type TestServices } from '../../helpers/services.ts';
import { spawnWorkerProcess, startQueueWorker } from '../../helpers/workers.ts';

/** One result line, as the API serves it. */
export interface ResultRow {
  row: string;
  email: string;
  action: string;
  customer_id: string;
  message: string;
}

/**
 * An emulator, the services wired as in production on their own prefix and DATA_DIR, the import API on port 0,
 * and (on demand) in-process import workers or spawned `src/worker.ts` processes. close() stops all of it.
 */
export interface ImportHarness {
  emulator: TestEmulator;
  services: TestServices;
  baseUrl: string;
  startWorker(): Worker;
  spawnWorker(env?: Record<string, string>): ChildProcess;
  upload(csv: string, query?: Record<string, string>): Promise<Response>;
  importCsv(csv: string, query?: Record<string, string>): Promise<string>;
  get(id: string): Promise<ImportRecord>;
  waitFor(id: string, statuses: string[], timeoutMs?: number, until?: (r: ImportRecord) => boolean): Promise<ImportRecord>;
  results(id: string): Promise<ResultRow[]>;
  close(): Promise<void>;
}

export async function createImportHarness(
  options: { emulator?: EmulatorOptions; env?: Record<string, string> } = {},
): Promise<ImportHarness> {
  const emulator = await startTestEmulator(options.emulator);
  const services = createTestServices({ emulatorUrl: emulator.url, env: { IMPORT_ROWS_IN_FLIGHT: '16', ...options.env } });
  const app = express();
  app.use('/v1', express.json());
  app.use('/v1/imports', createImportRouter(services));
  app.use(errorHandler(services.logger));
  const listening = await listenOnFreePort(app);
  const baseUrl = listening.baseUrl;
  const workers: Worker[] = [];
  const children: ChildProcess[] = [];

  const harness: ImportHarness = {
    emulator,
    services,
    baseUrl,
    startWorker() {
      const worker = startQueueWorker(services, QUEUE_NAMES.import, createImportProcessor(services) as Processor, IMPORT_WORKER_OPTIONS);
      workers.push(worker);
      return worker;
    },
    spawnWorker(env = {}) {
      const child = spawnWorkerProcess(services, env);
      children.push(child);
      return child;
    },
    upload(csv, query = {}) {
      const qs = new URLSearchParams(query).toString();
      return fetch(`${baseUrl}/v1/imports${qs ? `?${qs}` : ''}`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/csv' },
        body: csv,
      });
    },
    async importCsv(csv, query = {}) {
      const res = await harness.upload(csv, query);
      const body = (await res.json()) as { id: string };
      if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${JSON.stringify(body)}`);
      return body.id;
    },
    async get(id) {
      const res = await fetch(`${baseUrl}/v1/imports/${id}`);
      return (await res.json()) as ImportRecord;
    },
    async waitFor(id, statuses, timeoutMs = 30_000, until = () => true) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const record = await harness.get(id);
        if (statuses.includes(record.status) && until(record)) return record;
        if (Date.now() > deadline) throw new Error(`import ${id} is ${record.status} (${JSON.stringify(record.counts)}), not ${statuses.join('|')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async results(id) {
      const res = await fetch(`${baseUrl}/v1/imports/${id}/results`);
      if (res.status !== 200) throw new Error(`results answered ${res.status}`);
      return parse<ResultRow>(await res.text(), { columns: true });
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

/** Builds a CSV text from a header and rows (no quoting needed by the callers). */
export function csv(header: string, rows: string[]): string {
  return `${header}\n${rows.join('\n')}\n`;
}
