import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import type Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileRenderer } from '../../../../jobs/export/render-while-fetching.ts';
import { planColumns, type ColumnPlan } from '../../../../jobs/export/export-columns.ts';
import { CUSTOMER_ROWS, MetadataKeys, PartWriter } from '../../../../jobs/export/part-writer.ts';
import { partPath, partsDir } from '../../../../src/exports/export-paths.ts';
import { PartFileError } from '../../../../jobs/export/part-files.ts';
import type { SliceState } from '../../../../jobs/export/slice-plan.ts';

const EXPORT_ID = 'exp_renderer_test';

const customer = (id: string, created: number, metadata: Record<string, string>, name = id): Stripe.Customer =>
  ({ id, object: 'customer', email: `${id}@example.com`, name, created, metadata, livemode: false }) as unknown as Stripe.Customer;

const slice = (id: number, gte: number, lte: number, done: boolean): SliceState => ({
  id,
  gte,
  lte,
  cursor: null,
  lastCreated: null,
  done,
  customers: 0,
  pages: 0,
  bytes: 0,
});

describe('createFileRenderer', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'stripe-bulk-renderer-'));
    mkdirSync(partsDir(dataDir, EXPORT_ID), { recursive: true });
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The export's writing side: pages become CSV rows in the parts, as runExport's sink writes them. */
  const writerFor = (plan: ColumnPlan, slices: SliceState[]) => {
    const keys = new MetadataKeys(plan, []);
    const writer = new PartWriter({ dataDir, exportId: EXPORT_ID, keys, trackWidths: plan.kind === 'all_metadata', rows: CUSTOMER_ROWS }, slices);
    const states = new Map(slices.map((s) => [s.id, s]));
    /** Writes a page; answers the slice as the checkpoint would save it. */
    const page = async (s: SliceState, customers: Stripe.Customer[], done: boolean) => {
      const before = states.get(s.id) ?? s;
      const bytes = await writer.write(s.id, customers);
      const next = writer.annotate({ ...before, done, bytes: before.bytes + bytes, customers: before.customers + customers.length });
      states.set(s.id, next);
      return next;
    };
    return { keys, page };
  };

  it('writes slices finished out of order in file order; rows written before a key turned up are widened', async () => {
    const plan = planColumns({});
    const slices = [slice(0, 300, 399, false), slice(1, 200, 299, false), slice(2, 100, 199, false), slice(3, 0, 99, false)];
    const { keys, page } = writerFor(plan, slices);
    const outPath = join(dataDir, 'out.csv');
    const renderer = createFileRenderer({ dataDir, exportId: EXPORT_ID, plan, keys, outPath, gzip: false });
    for (const s of slices) renderer.update(s);
    // A cell with a newline, a comma and quotes: widening must parse the rows, not split lines.
    renderer.update(await page(slices[0]!, [customer('cus_0a', 350, { a: '1' }, 'Two\nlines, "quoted"')], false));
    renderer.update(await page(slices[0]!, [customer('cus_0b', 300, { a: '2' })], true));
    renderer.update(await page(slices[2]!, [customer('cus_2a', 150, { a: '3' })], true));
    await renderer.idle();
    // Slice 1 brings key `b` after slice 0 was copied to a file whose header lacks it.
    renderer.update(await page(slices[1]!, [customer('cus_1a', 250, { a: '4', b: 'x' })], false));
    renderer.update(await page(slices[1]!, [customer('cus_1b', 240, { b: 'y' })], true));
    renderer.update({ ...slices[3]!, done: true }); // a slice without customers

    const file = await renderer.finish();
    expect(file).toMatchObject({ restarted: true, rows: 5, widenedParts: 2 });
    const rows = parse<Record<string, string>>(readFileSync(outPath, 'utf8'), { columns: true });
    expect(rows.map((r) => r.id)).toEqual(['cus_0a', 'cus_0b', 'cus_1a', 'cus_1b', 'cus_2a']);
    expect(rows.map((r) => [r['metadata.a'], r['metadata.b']])).toEqual([['1', ''], ['2', ''], ['4', 'x'], ['', 'y'], ['3', '']]);
    expect(rows[0]?.name).toBe('Two\nlines, "quoted"');
    expect(file.columns.slice(-3)).toEqual(['metadata.a', 'metadata.b', 'livemode']);
    // Only the parts are left for the job to delete; no temporary file.
    expect(readdirSync(partsDir(dataDir, EXPORT_ID)).every((f) => f.endsWith('.csv'))).toBe(true);
    expect(existsSync(`${outPath}.tmp`)).toBe(false);
  });

  it('appends the head of the file while the fetch goes on, gzipped when asked', async () => {
    const outPath = join(dataDir, 'out.csv.gz');
    const plan = planColumns({ columns: ['id', 'email'] });
    const slices = Array.from({ length: 5 }, (_, id) => slice(id, 1000 - id * 100 - 99, 1000 - id * 100, false));
    const { keys, page } = writerFor(plan, slices);
    const renderer = createFileRenderer({ dataDir, exportId: EXPORT_ID, plan, keys, outPath, gzip: true });
    const expected: string[] = [];
    for (const s of slices) {
      const customers = Array.from({ length: 50 }, (_, i) => customer(`cus_${s.id}_${i}`, s.lte - i, {}));
      expected.push(...customers.map((c) => c.id));
      renderer.update(await page(s, customers, true));
    }
    const file = await renderer.finish();
    expect(file).toMatchObject({ rows: 250, lateAppends: 0, widenedParts: 0, restarted: false });
    const rows = parse(gunzipSync(readFileSync(outPath)).toString('utf8'));
    expect(rows[0]).toEqual(['id', 'email']);
    expect(rows.slice(1).map((r) => r[0])).toEqual(expected);
    expect(file.bytes).toBe(readFileSync(outPath).length);
  });

  it('close() after a cancel leaves no file behind', async () => {
    const outPath = join(dataDir, 'out.csv');
    const controller = new AbortController();
    const plan = planColumns({ columns: ['id'] });
    const slices = [slice(0, 10, 10, false), slice(1, 0, 9, false)];
    const { keys, page } = writerFor(plan, slices);
    const renderer = createFileRenderer({ dataDir, exportId: EXPORT_ID, plan, keys, outPath, gzip: false, signal: controller.signal });
    renderer.update(await page(slices[0]!, [customer('cus_a', 10, {})], true));
    renderer.update(slices[1]!);
    controller.abort();
    await renderer.close();
    expect(existsSync(outPath)).toBe(false);
    expect(existsSync(`${outPath}.tmp`)).toBe(false);
  });

  it('refuses a part shorter than its checkpoint (lost writes) instead of a file missing rows', async () => {
    const plan = planColumns({ columns: ['id'] });
    const slices = [slice(0, 0, 10, false)];
    const { keys, page } = writerFor(plan, slices);
    const outPath = join(dataDir, 'out.csv');
    const renderer = createFileRenderer({ dataDir, exportId: EXPORT_ID, plan, keys, outPath, gzip: false });
    const done = await page(slices[0]!, [customer('cus_a', 10, {}), customer('cus_b', 9, {})], true);
    truncateSync(partPath(dataDir, EXPORT_ID, 0), done.bytes - 3);
    renderer.update(done);
    await expect(renderer.finish()).rejects.toBeInstanceOf(PartFileError);
    await renderer.close();
    expect(existsSync(`${outPath}.tmp`)).toBe(false);
  });
});
