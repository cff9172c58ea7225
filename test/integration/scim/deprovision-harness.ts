import { spawn, type ChildProcess } from 'node:child_process';
import type { Processor, Worker } from 'bullmq';
import { parse } from 'csv-parse/sync';
import express from 'express';
import { createDeprovisionProcessor, DEPROVISION_WORKER_OPTIONS } from '../../../jobs/deprovision-team-members.ts';
import { WORKER_ENTRY_ARGS } from '../../../dev/worker-entry.ts';
import type { DeprovisionJson } from '../../../src/deprovisions/deprovision-schema.ts';
import { errorHandler } from '../../../src/http/middleware/error-handler.ts';
import { createDeprovisionRouter } from '../../../src/http/routes/deprovision-routes.ts';
import { QUEUE_NAMES } from '../../../src/queues/names.ts';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.ts';
import { listenOnFreePort } from '../../helpers/http.ts';
import { scimUrl } from '../../helpers/scim-emulator.ts';
import { createTestServices, type TestServices } from '../../helpers/services.ts';
import { startQueueWorker } from '../../helpers/workers.ts';

/** An emulator with SCIM, services, the deprovision API on port 0, and workers in-process or spawned. */
export interface DeprovisionHarness {
  emulator: TestEmulator;
  services: TestServices;
  baseUrl: string;
  startWorker(): Worker;
  /** A real `src/worker.ts` process; its stdout and stderr collect in `output()`. */
  spawnWorker(env?: Record<string, string>): { child: ChildProcess; output(): string };
  /** POSTs a CSV as text/csv (query e.g. `?dry_run=true`). */
  submit(csv: string, query?: string): Promise<{ status: number; body: unknown }>;
  get(id: string): Promise<DeprovisionJson>;
  waitFor(id: string, statuses: string[], timeoutMs?: number, until?: (d: DeprovisionJson) => boolean): Promise<DeprovisionJson>;
  /** results.csv as records, header first. */
  results(id: string): Promise<string[][]>;
  close(): Promise<void>;
}

export async function createDeprovisionHarness(options: { token?: string | null; rate?: number; workerToken?: string } = {}): Promise<DeprovisionHarness> {
  const token = options.token === undefined ? 'scim_test_token' : options.token;
  const emulator = await startTestEmulator({ scimToken: token ?? 'scim_test_token', scimLimit: 0 });
  const env: Record<string, string> = { STRIPE_SCIM_URL: scimUrl(emulator.url), STRIPE_SCIM_RATE: String(options.rate ?? 1000) };
  if (token !== null) env.STRIPE_SCIM_TOKEN = options.workerToken ?? token;
  const services = createTestServices({ emulatorUrl: emulator.url, env });
  const app = express();
  app.use('/v1/team-member-deprovisions', createDeprovisionRouter(services));
  app.use(errorHandler(services.logger));
  const listening = await listenOnFreePort(app);
  const workers: Worker[] = [];
  const children: ChildProcess[] = [];
  const h: DeprovisionHarness = {
    emulator,
    services,
    baseUrl: listening.baseUrl,
    startWorker() {
      const worker = startQueueWorker(services, QUEUE_NAMES.deprovision, createDeprovisionProcessor(services) as Processor, DEPROVISION_WORKER_OPTIONS);
      workers.push(worker);
      return worker;
    },
    spawnWorker(extra = {}) {
      const child = spawn(process.execPath, [...WORKER_ENTRY_ARGS.source], { env: { ...process.env, ...services.workerEnv, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      children.push(child);
      return { child, output: () => out };
    },
    async submit(csv, query = '') {
      const res = await fetch(`${listening.baseUrl}/v1/team-member-deprovisions${query}`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: csv });
      return { status: res.status, body: (await res.json()) as unknown };
    },
    async get(id) {
      const res = await fetch(`${listening.baseUrl}/v1/team-member-deprovisions/${id}`);
      return (await res.json()) as DeprovisionJson;
    },
    async waitFor(id, statuses, timeoutMs = 30_000, until = () => true) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const d = await h.get(id);
        if (statuses.includes(d.status) && until(d)) return d;
        if (Date.now() > deadline) throw new Error(`deprovision ${id} is ${d.status} (${JSON.stringify(d.counts)} ${d.error ?? ''}), not ${statuses.join('|')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async results(id) {
      const res = await fetch(`${listening.baseUrl}/v1/team-member-deprovisions/${id}/results`);
      const records: string[][] = parse(await res.text());
      return records;
    },
    async close() {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.close(true)));
      await listening.close();
      await services.close();
      await emulator.close();
    },
  };
  return h;
}
