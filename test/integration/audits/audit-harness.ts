import type { ChildProcess } from 'node:child_process';
import type { Processor, Worker } from 'bullmq';
import { parse } from 'csv-parse/sync';
import express from 'express';
import { AUDIT_WORKER_OPTIONS, createAuditProcessor } from '../../../jobs/audit-customers.ts';
import { auditSchema, type AuditJson } from '../../../src/audits/audit-schema.ts';
import { errorHandler } from '../../../src/http/middleware/error-handler.ts';
import { createAuditRouter } from '../../../src/http/routes/audit-routes.ts';
import { QUEUE_NAMES } from '../../../src/queues/names.ts';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.ts';
import { listenOnFreePort } from '../../helpers/http.ts';
import { createTestServices, type TestServices } from '../../helpers/services.ts';
import { spawnWorkerProcess, startQueueWorker } from '../../helpers/workers.ts';

/** A downloaded audit file, parsed. */
export interface AuditFile {
  status: number;
  header: string[];
  rows: Array<Record<string, string>>;
}

/** An emulator, services with their own prefix, the audit API on port 0, in-process or spawned workers. */
export interface AuditHarness {
  emulator: TestEmulator;
  services: TestServices;
  baseUrl: string;
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  createAudit(): Promise<AuditJson>;
  get(id: string): Promise<AuditJson>;
  waitFor(id: string, statuses: string[], timeoutMs?: number, until?: (a: AuditJson) => boolean): Promise<AuditJson>;
  download(id: string): Promise<AuditFile>;
  startWorker(): Worker;
  spawnWorker(env?: Record<string, string>): ChildProcess;
  close(): Promise<void>;
}

export async function createAuditHarness(env: Record<string, string> = {}): Promise<AuditHarness> {
  const emulator = await startTestEmulator();
  const services = createTestServices({ emulatorUrl: emulator.url, env: { EXPORT_PAGES_IN_FLIGHT: '8', ...env } });
  const app = express();
  app.use('/v1/audits', createAuditRouter(services));
  app.use(errorHandler(services.logger));
  const listening = await listenOnFreePort(app);
  const workers: Worker[] = [];
  const children: ChildProcess[] = [];
  const h: AuditHarness = {
    emulator,
    services,
    baseUrl: listening.baseUrl,
    async request(method, path, body) {
      const res = await fetch(`${listening.baseUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      const json = (res.headers.get('content-type') ?? '').includes('application/json');
      return { status: res.status, body: text === '' ? undefined : json ? (JSON.parse(text) as unknown) : text };
    },
    async createAudit() {
      const res = await h.request('POST', '/v1/audits', { kind: 'duplicate_emails' });
      if (res.status !== 202) throw new Error(`POST /v1/audits answered ${res.status}: ${JSON.stringify(res.body)}`);
      return auditSchema.parse(res.body);
    },
    async get(id) {
      return auditSchema.parse((await h.request('GET', `/v1/audits/${id}`)).body);
    },
    async waitFor(id, statuses, timeoutMs = 30_000, until = () => true) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const audit = await h.get(id);
        if (statuses.includes(audit.status) && until(audit)) return audit;
        if (Date.now() > deadline) throw new Error(`audit ${id} is ${audit.status} (${JSON.stringify(audit.counts)} ${audit.error ?? ''})`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async download(id) {
      const res = await fetch(`${listening.baseUrl}/v1/audits/${id}/file`);
      const text = await res.text();
      if (res.status !== 200) return { status: res.status, header: [], rows: [] };
      const records: string[][] = parse(text);
      const header = records[0] ?? [];
      const rows = records.slice(1).map((r) => Object.fromEntries(header.map((name, i) => [name, r[i] ?? ''])));
      return { status: res.status, header, rows };
    },
    startWorker() {
      const worker = startQueueWorker(services, QUEUE_NAMES.audit, createAuditProcessor(services) as Processor, AUDIT_WORKER_OPTIONS);
      workers.push(worker);
      return worker;
    },
    spawnWorker(extra = {}) {
      const child = spawnWorkerProcess(services, extra);
      children.push(child);
      return child;
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

/** Seeds `total` customers holding `groups` duplicate groups (exact and case variants, sizes 2-4); answers the groups. */
export async function seedDuplicates(
  emulator: TestEmulator,
  total: number,
  groups: number,
  base = 1_650_000_000,
): Promise<Map<string, string[]>> {
  const customers: Array<{ email: string | null; name: string; created: number; metadata?: Record<string, string> }> = [];
  const variants = (g: number) => [`Dup${g}@Example.com`, `dup${g}@example.com`, `DUP${g}@EXAMPLE.COM`, `dup${g}@example.com`];
  for (let g = 0; g < groups; g++) {
    for (const email of variants(g).slice(0, 2 + (g % 3))) {
      customers.push({ email, name: `Group ${g}`, created: base + customers.length * 97, metadata: { team: `t${g}` } });
    }
  }
  let i = 0;
  while (customers.length < total) {
    // Every 50th has no email: it belongs to no group.
    customers.push({ email: i % 50 === 0 ? null : `Unique${i}@Example.com`, name: `U ${i}`, created: base + customers.length * 97 });
    i += 1;
  }
  const seeded = await emulator.admin.seed(customers);
  const expected = new Map<string, string[]>();
  customers.forEach((c, k) => {
    const id = seeded.ids[k];
    if (c.email === null || !c.email.toLowerCase().startsWith('dup') || id === undefined) return;
    const key = c.email.toLowerCase();
    expected.set(key, [...(expected.get(key) ?? []), id]);
  });
  return expected;
}

/** The groups of a file: normalised email → sorted ids. */
export function groupsOf(file: AuditFile): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const row of file.rows) {
    const key = row.normalised_email ?? '';
    out.set(key, [...(out.get(key) ?? []), row.customer_id ?? ''].sort());
  }
  return out;
}
