import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import type Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileRenderer } from '../../../../jobs/export/render-while-fetching.ts';
import { customerToLine } from '../../../../jobs/export/customer-line.ts';
import { planColumns } from '../../../../jobs/export/export-columns.ts';
import { partPath, partsDir } from '../../../../src/exports/export-paths.ts';
import type { SliceState } from '../../../../jobs/export/slice-plan.ts';

const EXPORT_ID = 'exp_renderer_test';

const customer = (id: string, created: number, metadata: Record<string, string>): Stripe.Customer =>
  ({ id, object: 'customer', email: `${id}@example.com`, name: id, created, metadata, livemode: false }) as unknown as Stripe.Customer;

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

  const writePart = (sliceId: number, customers: Stripe.Customer[]) =>
    writeFileSync(partPath(dataDir, EXPORT_ID, sliceId), customers.map(customerToLine).join(''));

  it('writes slices finished out of order in file order, and starts again when a metadata key turns up late', async () => {
    const keys = new Set<string>(['a']);
    const outPath = join(dataDir, 'out.csv');
    const renderer = createFileRenderer({ dataDir, exportId: EXPORT_ID, plan: planColumns({}), metadataKeys: keys, outPath, gzip: false });
    const slices = [slice(0, 300, 399, false), slice(1, 200, 299, false), slice(2, 100, 199, false), slice(3, 0, 99, false)];
    for (const s of slices) renderer.update(s);
    writePart(0, [customer('cus_0a', 350, { a: '1' }), customer('cus_0b', 300, { a: '2' })]);
    renderer.update({ ...slices[0]!, done: true });
    writePart(2, [customer('cus_2a', 150, { a: '3' })]);
    renderer.update({ ...slices[2]!, done: true });
    await renderer.idle();
    // Slice 1 brings key `b` after slice 0 was written to the file with a header without it.
    keys.add('b');
    writePart(1, [customer('cus_1a', 250, { a: '4', b: 'x' })]);
    renderer.update({ ...slices[1]!, done: true });
    renderer.update({ ...slices[3]!, done: true }); // no part file: a slice without customers

    const file = await renderer.finish();
    expect(file.restarted).toBe(true);
    expect(file.rows).toBe(4);
    const rows = parse<Record<string, string>>(readFileSync(outPath, 'utf8'), { columns: true });
    expect(rows.map((r) => r.id)).toEqual(['cus_0a', 'cus_0b', 'cus_1a', 'cus_2a']);
    expect(rows.map((r) => [r['metadata.a'], r['metadata.b']])).toEqual([['1', ''], ['2', ''], ['4', 'x'], ['3', '']]);
    expect(file.columns.slice(-3)).toEqual(['metadata.a', 'metadata.b', 'livemode']);
    // Only the JSON parts are left for the job to delete; no temporary file.
    expect(readdirSync(partsDir(dataDir, EXPORT_ID)).every((f) => f.endsWith('.ndjson'))).toBe(true);
    expect(existsSync(`${outPath}.tmp`)).toBe(false);
  });

  it('appends the head of the file while the fetch goes on, gzipped when asked', async () => {
    const outPath = join(dataDir, 'out.csv.gz');
    const plan = planColumns({ columns: ['id', 'email'] });
    const renderer = createFileRenderer({ dataDir, exportId: EXPORT_ID, plan, metadataKeys: new Set(), outPath, gzip: true });
    const expected: string[] = [];
    for (let id = 0; id < 5; id++) {
      const customers = Array.from({ length: 50 }, (_, i) => customer(`cus_${id}_${i}`, 1000 - id * 100 - i, {}));
      writePart(id, customers);
      expected.push(...customers.map((c) => c.id));
      renderer.update(slice(id, 1000 - id * 100 - 99, 1000 - id * 100, true));
    }
    const file = await renderer.finish();
    expect(file).toMatchObject({ rows: 250, lateAppends: 0, lateParts: 0, restarted: false });
    const rows = parse(gunzipSync(readFileSync(outPath)).toString('utf8'));
    expect(rows[0]).toEqual(['id', 'email']);
    expect(rows.slice(1).map((r) => r[0])).toEqual(expected);
    expect(file.bytes).toBe(readFileSync(outPath).length);
  });

  it('close() after a cancel leaves no file behind', async () => {
    const outPath = join(dataDir, 'out.csv');
    const controller = new AbortController();
    const renderer = createFileRenderer({
      dataDir,
      exportId: EXPORT_ID,
      plan: planColumns({ columns: ['id'] }),
      metadataKeys: new Set(),
      outPath,
      gzip: false,
      signal: controller.signal,
    });
    writePart(0, [customer('cus_a', 10, {})]);
    renderer.update(slice(0, 10, 10, true));
    renderer.update(slice(1, 0, 9, false));
    controller.abort();
    await renderer.close();
    expect(existsSync(outPath)).toBe(false);
    expect(existsSync(`${outPath}.tmp`)).toBe(false);
  });
});
