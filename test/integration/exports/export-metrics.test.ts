import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/http/app.ts';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.ts';
import { listenOnFreePort, type ListeningApp } from '../../helpers/http.ts';
import { createTestServices, type TestServices } from '../../helpers/services.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';

/** The value of a counter without labels in a Prometheus text exposition. */
function counter(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`${name} is not in /metrics`);
  return Number(line.slice(name.length + 1));
}

describe('export metrics', () => {
  let emulator: TestEmulator;
  let services: TestServices;
  let listening: ListeningApp;
  const closing = closeAfterAll();
  beforeAll(async () => {
    emulator = closing(await startTestEmulator());
    await emulator.admin.seed({ count: 120, template: { email: 'm{i}@example.com', created: 1_700_000_000 }, createdStep: 60 });
    services = closing(createTestServices({ emulatorUrl: emulator.url }));
    listening = closing(await listenOnFreePort(createApp(services)));
    services.startWorkers();
  });

  async function exportOnce(body: unknown): Promise<{ customers: number; bytes: number }> {
    const res = await fetch(`${listening.baseUrl}/v1/exports`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const deadline = Date.now() + 30_000;
    for (;;) {
      const record = (await (await fetch(`${listening.baseUrl}/v1/exports/${id}`)).json()) as {
        status: string;
        counts: { customers: number };
        file: { bytes: number } | null;
      };
      if (record.status === 'completed') return { customers: record.counts.customers, bytes: record.file?.bytes ?? -1 };
      if (record.status !== 'queued' && record.status !== 'running') throw new Error(`export ${id} is ${record.status}`);
      if (Date.now() > deadline) throw new Error(`export ${id} did not complete in 30 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const scrape = async () => (await fetch(`${listening.baseUrl}/metrics`)).text();

  it('export_customers_total and export_bytes_total add up the finished exports', async () => {
    const before = await scrape();
    expect(counter(before, 'stripe_bulk_export_customers_total')).toBe(0);
    expect(counter(before, 'stripe_bulk_export_bytes_total')).toBe(0);
    const all = await exportOnce({});
    const some = await exportOnce({ email: 'm7@example.com', gzip: true });
    expect(all.customers).toBe(120);
    expect(some.customers).toBe(1);
    const after = await scrape();
    expect(counter(after, 'stripe_bulk_export_customers_total')).toBe(121);
    expect(counter(after, 'stripe_bulk_export_bytes_total')).toBe(all.bytes + some.bytes);
  });
});
