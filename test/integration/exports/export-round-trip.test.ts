import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { createImportProcessor, IMPORT_WORKER_OPTIONS } from '../../../jobs/import-customers.ts';
import { diffCustomer, parseCustomerRow, parseImportHeader } from '../../../src/csv/index.ts';
import { createImportRouter } from '../../../src/http/routes/import-routes.ts';
import { createRedisConnection } from '../../../src/queues/connection.ts';
import { QUEUE_NAMES } from '../../../src/queues/names.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { columnOf, createExportHarness, type ExportHarness } from './export-harness.ts';

/** Customers with every kind of value an exported cell can hold. */
const VARIED: Stripe.CustomerCreateParams[] = [
  { email: 'plain@example.com' },
  { email: 'full@example.com', name: 'Zoë Ångström, Jr.', phone: '+33 1 23 45 67 89', description: 'Line one\nline "two"' },
  { email: 'formula@example.com', name: '=HYPERLINK("http://x")', description: '@SUM(1)', metadata: { calc: '+1+1', dash: '-x' } },
  { email: 'quoted@example.com', name: "'=already quoted", metadata: { q: "''@twice" } },
  { email: 'money@example.com', balance: -12345, tax_exempt: 'reverse', preferred_locales: ['fr-FR', 'en'] },
  {
    email: 'ship@example.com',
    address: { line1: '1 rue de la Paix', line2: 'Bât. B', city: 'Paris', state: 'IDF', postal_code: '75002', country: 'FR' },
    shipping: {
      name: 'Dépôt',
      phone: '+15550100',
      address: { line1: '500 Market St', city: 'San Francisco', state: 'CA', postal_code: '94105', country: 'US' },
    },
  },
  { email: 'Mixed.Case@Example.com', name: '\tTabbed', metadata: { plan: 'pro', crm_id: '00123' } },
  { email: 'prefix@example.com', invoice_prefix: 'ACME42', balance: 0 },
];

describe('export → upsert import round trip', () => {
  let h: ExportHarness;
  let importWorker: Worker | undefined;
  let importConnection: Redis | undefined;

  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createExportHarness({ routers: (services) => [['/v1/imports', createImportRouter(services)]] }));
    for (const params of VARIED) await h.emulator.stripe.customers.create(params);
    await h.emulator.admin.seed({ count: 200, template: { email: 'seed{i}@example.com', name: 'Seed {i}', metadata: { n: '{i}' }, created: 1_700_000_000 }, createdStep: 30 });
    h.startWorker();
    importConnection = createRedisConnection(h.services.config.redisUrl, 'round-trip-import-worker');
    importWorker = new Worker(QUEUE_NAMES.import, createImportProcessor(h.services), {
      connection: importConnection,
      prefix: h.services.config.queuePrefix,
      ...IMPORT_WORKER_OPTIONS,
    });
    importWorker.on('error', () => undefined);
  });
  afterAll(async () => {
    await importWorker?.close(true);
    // BullMQ does not close a connection it was handed.
    await importConnection?.quit();
  });

  async function importCsv(text: string): Promise<{ counts: Record<string, number>; status: string }> {
    const res = await fetch(`${h.baseUrl}/v1/imports?mode=upsert`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: text });
    const body = (await res.json()) as { id: string };
    expect(res.status, JSON.stringify(body)).toBe(202);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const record = (await h.request('GET', `/v1/imports/${body.id}`)).body as { status: string; counts: Record<string, number> };
      if (record.status === 'completed' || record.status === 'failed') return record;
      if (Date.now() > deadline) throw new Error(`import is ${record.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('every exported line parses back to no change (csv level)', async () => {
    const { file } = await h.exportFile();
    const header = parseImportHeader(file.header);
    const byId = new Map((await h.emulator.admin.customers()).map((c) => [c.id, c]));
    expect(file.rows).toHaveLength(VARIED.length + 200);
    for (const cells of file.rows) {
      const parsed = parseCustomerRow(header, cells);
      if (!parsed.ok) throw new Error(`${cells.join(',')}: ${parsed.errors.join('; ')}`);
      expect(diffCustomer(byId.get(cells[0]!)!, parsed.input), cells[0]).toBeNull();
    }
  });

  it('re-importing the file unchanged reports every row unchanged and sends no write', async () => {
    const { file } = await h.exportFile();
    await h.emulator.admin.resetStats();
    const result = await importCsv(file.text);
    expect(result.status).toBe('completed');
    expect(result.counts).toMatchObject({ total: file.rows.length, unchanged: file.rows.length, updated: 0, created: 0, failed: 0 });
    const writes = Object.entries((await h.emulator.admin.stats()).requests).filter(([k]) => k.startsWith('write'));
    expect(writes).toEqual([]);
  });

  it('editing one cell updates exactly that field', async () => {
    const { file } = await h.exportFile();
    const target = file.rows.find((r) => r[columnOf(file, 'email')] === 'ship@example.com')!;
    const edited = file.text.replace(`,Dépôt,`, `,Dépôt Nord,`);
    expect(edited).not.toBe(file.text);
    const result = await importCsv(edited);
    expect(result.counts).toMatchObject({ updated: 1, unchanged: file.rows.length - 1, failed: 0 });
    const after = await h.emulator.stripe.customers.retrieve(target[0]!);
    expect((after as Stripe.Customer).shipping?.name).toBe('Dépôt Nord');
    expect((after as Stripe.Customer).shipping?.address?.city).toBe('San Francisco');
  });
});
