import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/http/app.ts';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.ts';
import { listenOnFreePort, type ListeningApp } from '../../helpers/http.ts';
import { createTestServices, type TestServices } from '../../helpers/services.ts';

const KEY = 'sk_test_opsFakeKey1';
let emulator: TestEmulator | undefined;
let services: TestServices | undefined;
let listening: ListeningApp | undefined;

async function start(env: Record<string, string>): Promise<string> {
  emulator = await startTestEmulator();
  services = createTestServices({ emulatorUrl: emulator.url, key: KEY, env });
  const app = createApp(services, { keyStatus: () => ({ ok: true, message: 'checked by the test' }) });
  listening = await listenOnFreePort(app);
  return listening.baseUrl;
}

afterEach(async () => {
  await listening?.close();
  await services?.close();
  await emulator?.close();
  listening = undefined;
  services = undefined;
  emulator = undefined;
});

async function waitForImport(base: string, id: string): Promise<{ status: string; counts: Record<string, number> }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const record = (await (await fetch(`${base}/v1/imports/${id}`)).json()) as { status: string; counts: Record<string, number> };
    if (record.status === 'completed' || record.status === 'failed') return record;
    if (Date.now() > deadline) throw new Error(`import ${id} still ${record.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('operators', () => {
  it('refuses to mount Bull Board without credentials unless BOARD_AUTH=off', async () => {
    const base = await start({});
    const res = await fetch(`${base}/admin/queues`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/BOARD_USER and BOARD_PASSWORD/);
  });

  it('serves the board without auth only when BOARD_AUTH=off is explicit', async () => {
    const base = await start({ BOARD_AUTH: 'off' });
    const res = await fetch(`${base}/admin/queues`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<html');
  });

  it('counts Stripe requests, rows and token waits in /metrics, and keeps the key out of job data and Redis keys', async () => {
    const base = await start({ BOARD_USER: 'ops', BOARD_PASSWORD: 'board-password-1' });
    services!.startWorkers();
    const csv = 'email,name\nada@example.com,Ada\nbob@example.com,Bob\nnot-an-email,Broken\n';
    const created = await fetch(`${base}/v1/imports`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    const done = await waitForImport(base, id);
    expect(done.counts).toMatchObject({ created: 2, failed: 1 });

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/stripe_bulk_stripe_requests_total\{kind="read",endpoint="customers\.list",status="200"\} [1-9]/);
    expect(metrics).toMatch(/stripe_bulk_stripe_requests_total\{kind="write",endpoint="customers\.create",status="200"\} 2/);
    expect(metrics).toMatch(/stripe_bulk_import_rows_total\{outcome="created"\} 2/);
    expect(metrics).toMatch(/stripe_bulk_import_rows_total\{outcome="failed"\} 1/);
    expect(metrics).toContain('stripe_bulk_token_wait_seconds_total');

    // What Bull Board shows is the job's data, progress, logs and return value: none may hold the key.
    const job = await services!.queues.import.getJob(id);
    expect(job).toBeDefined();
    const logs = await services!.queues.import.getJobLogs(id);
    // BullMQ types a job's data and return value `any`; JSON.stringify needs no more than `unknown`.
    const data: unknown = job!.data;
    const returnvalue: unknown = job!.returnvalue;
    const shown = JSON.stringify({ data, progress: job!.progress, returnvalue, logs });
    expect(shown).toContain('not-an-email');
    expect(shown).not.toContain(KEY);
    const keys = await services!.redis.keys(`${services!.prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.join('\n')).not.toContain(KEY);
    for (const key of keys.filter((k) => k.includes(':rate:'))) expect(key).toContain(services!.config.stripe.accountId);
  });

  it('answers /healthz and /readyz', async () => {
    const base = await start({});
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { redis: { ok: true }, stripe: { ok: true } } });
  });
});
