import { beforeAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { EXPORT_COLUMNS } from '../../../src/csv/index.ts';
import type { SeedCustomer } from '../../../src/emulator/index.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { columnOf, createExportHarness, idsOf, type ExportHarness } from './export-harness.ts';

const NOW = Math.floor(Date.now() / 1000);
const BASE = NOW - 2 * 365 * 86_400;
/** Three adjacent dense seconds (150 + 400 + 300 customers) and an exact page of 100 in one second. */
const D1 = BASE + 1_000_000;
const DENSE: Array<[number, number]> = [
  [D1 - 1, 150],
  [D1, 400],
  [D1 + 1, 300],
  [BASE + 5_000_000, 100],
];

function seedList(): SeedCustomer[] {
  const customers: SeedCustomer[] = [];
  let n = 0;
  for (const [created, count] of DENSE) {
    for (let i = 0; i < count; i++) customers.push({ email: `dense${n++}@example.com`, created, metadata: { plan: i % 2 ? 'pro' : 'free' } });
  }
  // Sparse: spread over two years, deterministic.
  let x = 12345;
  while (customers.length < 1230) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    customers.push({ email: `sparse${n++}@example.com`, name: `Sparse ${n}`, created: BASE + (x % (NOW - BASE - 10)), metadata: { crm_id: `crm-${n}` } });
  }
  customers.push(
    { email: 'formula@example.com', name: '=SUM(A1:A9)', description: "'=already quoted", created: BASE + 10, balance: -500 },
    { email: 'plus@example.com', name: '+1 555-0100', phone: '+15550100', created: BASE + 11, balance: 1200 },
    { email: 'at@example.com', name: '@home', description: 'tab\tinside', created: BASE + 12, metadata: { note: '-not a number' } },
    { email: 'Case.Sensitive@Example.com', name: 'Zoë, "quoted"\nnew line', created: BASE + 13, preferred_locales: ['fr-FR', 'en'] },
  );
  return customers;
}

describe('export job: 1,234 customers over dense and sparse ranges', () => {
  let h: ExportHarness;
  let all: Stripe.Customer[];

  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createExportHarness());
    await h.emulator.admin.seed(seedList());
    all = await h.emulator.admin.customers();
    expect(all).toHaveLength(1234);
    h.startWorker();
  });

  it('writes every customer exactly once, newest first (created desc, then Stripe order)', async () => {
    const { record, file } = await h.exportFile();
    const ids = idsOf(file);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(all.map((c) => c.id));
    expect(record.counts.customers).toBe(1234);
    // Dense seconds cannot be read by one cursor in one page: the plan subdivided and read several pages.
    expect(record.counts.pages).toBeGreaterThan(13);
    expect(record.file?.bytes).toBe(file.raw.length);
    expect(record.snapshot_created_lte).toBeGreaterThanOrEqual(NOW);
    const disposition = file.headers.get('content-disposition') ?? '';
    const day = new Date((record.snapshot_created_lte ?? 0) * 1000).toISOString().slice(0, 10);
    expect(disposition).toBe(`attachment; filename="customers-${record.id}-${day}.csv"`);
    expect(file.headers.get('content-type')).toContain('text/csv');
  });

  it('by default flattens every metadata key present, sorted, before livemode', async () => {
    const { file } = await h.exportFile();
    const base = EXPORT_COLUMNS.filter((c) => c !== 'livemode');
    expect(file.header).toEqual([...base, 'metadata.crm_id', 'metadata.note', 'metadata.plan', 'livemode']);
    const plan = columnOf(file, 'metadata.plan');
    const byId = new Map(all.map((c) => [c.id, c]));
    for (const row of file.rows) expect(row[plan]).toBe(byId.get(row[0]!)?.metadata.plan ?? '');
  });

  it('honours created filters (gt/gte/lt/lte) at second boundaries', async () => {
    for (const created of [{ gte: D1 - 1, lte: D1 }, { gt: D1 - 1, lt: D1 + 2 }, { gte: D1 + 1 }, { lt: D1 }]) {
      const { file } = await h.exportFile({ created });
      const lo = created.gte ?? (created.gt === undefined ? -Infinity : created.gt + 1);
      const hi = created.lte ?? (created.lt === undefined ? Infinity : created.lt - 1);
      const expected = all.filter((c) => c.created >= lo && c.created <= hi).map((c) => c.id);
      expect(idsOf(file)).toEqual(expected);
    }
  });

  it('filters by exact (case-sensitive) email', async () => {
    const { file } = await h.exportFile({ email: 'Case.Sensitive@Example.com' });
    expect(file.rows).toHaveLength(1);
    const { file: none } = await h.exportFile({ email: 'case.sensitive@example.com' });
    expect(none.rows).toHaveLength(0);
    expect(none.header[0]).toBe('id');
  });

  it('neutralises formula cells, keeps numbers, quotes commas and newlines', async () => {
    const { file } = await h.exportFile({ columns: ['email', 'name', 'phone', 'description', 'balance', 'metadata.note', 'preferred_locales'] });
    const row = (email: string) => file.rows.find((r) => r[0] === email)!;
    expect(row('formula@example.com')).toEqual(['formula@example.com', "'=SUM(A1:A9)", '', "''=already quoted", '-500', '', '']);
    // A plain number (even with a sign) is data, not a formula: it stays as it is.
    expect(row('plus@example.com').slice(1, 3)).toEqual(["'+1 555-0100", '+15550100']);
    expect(row('at@example.com').slice(1)).toEqual(["'@home", '', 'tab\tinside', '0', "'-not a number", '']);
    expect(row('Case.Sensitive@Example.com').slice(1, 2)).toEqual(['Zoë, "quoted"\nnew line']);
    expect(row('Case.Sensitive@Example.com')[6]).toBe('fr-FR;en');
  });

  it('writes only the listed metadata columns, and gzips', async () => {
    const { record, file } = await h.exportFile({ metadata_columns: ['crm_id'], gzip: true });
    expect(file.headers.get('content-type')).toBe('application/gzip');
    expect(file.headers.get('content-disposition')).toContain(`${record.id}-`);
    expect(file.headers.get('content-disposition')).toContain('.csv.gz"');
    expect(file.raw[0]).toBe(0x1f);
    expect(file.header.slice(-2)).toEqual(['metadata.crm_id', 'livemode']);
    expect(idsOf(file)).toEqual(all.map((c) => c.id));
  });

  it('exports a search query page by page, with the search-lag warning', async () => {
    const created = await h.createExport({ query: "metadata['plan']:'pro'" });
    expect(created.mode).toBe('search');
    expect(created.warnings.join(' ')).toMatch(/trails writes/);
    await h.waitFor(created.id, ['completed']);
    const file = await h.download(created.id);
    const expected = all.filter((c) => c.metadata.plan === 'pro').map((c) => c.id);
    expect(new Set(idsOf(file))).toEqual(new Set(expected));
    expect(idsOf(file)).toHaveLength(expected.length);
  });
});

describe('export job: customers created while it runs', () => {
  let h: ExportHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    // 5 reads/s and one page in flight: ~30 pages take ~6 s, long enough to write during the export.
    h = closing(await createExportHarness({ emulator: { latencyMs: 20 }, env: { STRIPE_READ_RPS: '5', EXPORT_PAGES_IN_FLIGHT: '1' } }));
    await h.emulator.admin.seed({ count: 3000, template: { email: 'old{i}@example.com', created: NOW - 100_000 }, createdStep: 17 });
    h.startWorker();
  });

  it('includes every customer up to the snapshot exactly once and none created after it', async () => {
    const created = await h.createExport();
    const running = await h.waitFor(created.id, ['running'], 10_000, (e) => e.snapshot_created_lte !== null);
    const snapshot = running.snapshot_created_lte!;
    const fresh: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 5; i++) fresh.push((await h.emulator.stripe.customers.create({ email: `new${round}-${i}@example.com` })).id);
      await new Promise((r) => setTimeout(r, 600));
    }
    // The writes happened while the export was still reading.
    expect((await h.get(created.id)).status).toBe('running');
    await h.waitFor(created.id, ['completed'], 30_000);
    const file = await h.download(created.id);
    const ids = idsOf(file);
    expect(new Set(ids).size).toBe(ids.length);
    const live = await h.emulator.admin.customers();
    expect(live.some((c) => c.created > snapshot)).toBe(true);
    expect(ids).toEqual(live.filter((c) => c.created <= snapshot).map((c) => c.id));
    const after = new Set(live.filter((c) => c.created > snapshot).map((c) => c.id));
    expect(ids.filter((id) => after.has(id))).toEqual([]);
    expect(fresh.filter((id) => after.has(id)).length).toBeGreaterThan(0);
  });
});
