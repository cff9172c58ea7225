import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseCustomerRow, parseImportHeader } from '../../../src/csv/index.ts';
import { closeAfterEach } from '../../helpers/teardown.ts';
import { createImportHarness, csv, type ImportHarness, type ResultRow } from './import-harness.ts';

const byRow = (rows: ResultRow[]) => rows.map((r) => [r.action, r.message]);

/** Dedupe, upsert, dry run and invalid rows, on an in-process worker against the emulator. */
describe('import rows', () => {
  let h: ImportHarness;
  const closing = closeAfterEach();
  beforeEach(async () => {
    h = closing(await createImportHarness());
    h.startWorker();
  });

  it('creates what is missing and nothing twice: existing, case variant, repeated, ambiguous, invalid rows', async () => {
    const [existing, dupA, dupB] = (
      await h.emulator.admin.seed([{ email: 'existing@example.com' }, { email: 'dup@example.com' }, { email: 'dup@example.com' }])
    ).ids;
    const id = await h.importCsv(
      csv('email,name,address.country', [
        'new@example.com,New,US',
        'existing@example.com,Existing,US',
        'EXISTING@Example.com,Existing Again,US',
        'twice@example.com,Twice,FR',
        'twice@example.com,Twice Again,FR',
        'dup@example.com,Ambiguous,US',
        'not-an-email,Broken,US',
        'country@example.com,Bad Country,France',
        'Mixed@Example.com,Mixed,DE',
        'mixed@example.com,Mixed Lower,DE',
        'short@example.com,Too Few Cells',
      ]),
    );
    const done = await h.waitFor(id, ['completed']);
    expect(done.counts).toEqual({ total: 11, processed: 11, created: 3, updated: 0, unchanged: 0, skipped: 5, failed: 3 });
    const rows = await h.results(id);
    expect(rows.map((r) => r.row)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']);
    expect(rows.map((r) => r.action)).toEqual([
      'created', 'skipped', 'skipped', 'created', 'skipped', 'skipped', 'failed', 'failed', 'created', 'skipped', 'failed',
    ]);
    expect(rows[1]?.message).toBe(`exists: ${existing}`);
    expect(rows[2]?.customer_id).toBe(existing);
    expect(rows[4]?.customer_id).toBe(rows[3]?.customer_id);
    expect(rows[5]?.message).toBe(`ambiguous: 2 customers share this email (${[dupA, dupB].sort().join(', ')})`);
    expect(rows[6]?.message).toMatch(/^email:/);
    expect(rows[7]?.message).toMatch(/address\.country/);
    expect(rows[9]?.customer_id).toBe(rows[8]?.customer_id);
    expect(rows[10]?.message).toMatch(/cells|columns/);
    const stats = await h.emulator.admin.stats();
    // vitest types its asymmetric matchers `any`; `unknown` is all toEqual needs.
    const anyIds: unknown = expect.any(Array);
    expect(stats.duplicate_emails).toEqual([{ email: 'dup@example.com', ids: anyIds }]);
    expect(stats.customers).toBe(3 + 3);
    const job = await h.services.queues.import.getJob(id);
    const logs = await h.services.queues.import.getJobLogs(id);
    expect(logs.logs.some((l) => l.startsWith('row 7 (not-an-email): email'))).toBe(true);
    expect(job?.returnvalue).toMatchObject({ import_id: id, status: 'completed', counts: { processed: 11 } });
  });

  it('upsert sends only the differing fields, and no request when nothing differs; rows by id', async () => {
    const [partial, same, byId] = (
      await h.emulator.admin.seed([
        { email: 'partial@example.com', name: 'Old Name', phone: '+15550100', metadata: { plan: 'pro' } },
        { email: 'same@example.com', name: 'Same', metadata: { plan: 'pro' } },
        { email: 'other@example.com', name: 'By Id' },
      ])
    ).ids;
    await h.emulator.admin.resetStats();
    const id = await h.importCsv(
      csv('id,email,name,phone,metadata.plan', [
        ',partial@example.com,New Name,+15550100,pro',
        ',same@example.com,Same,,pro',
        `${byId},,By Id Renamed,,`,
        'cus_DoesNotExist01,,Nobody,,',
        ',fresh@example.com,Fresh,,basic',
      ]),
      { mode: 'upsert' },
    );
    const done = await h.waitFor(id, ['completed']);
    expect(done.counts).toMatchObject({ total: 5, created: 1, updated: 2, unchanged: 1, failed: 1 });
    const rows = await h.results(id);
    expect(byRow(rows)).toEqual([
      ['updated', 'changed name'],
      ['unchanged', ''],
      ['updated', 'changed name'],
      ['failed', 'no such customer: cus_DoesNotExist01'],
      ['created', ''],
    ]);
    expect(rows[0]?.customer_id).toBe(partial);
    expect(rows[1]?.customer_id).toBe(same);
    const customer = await h.emulator.stripe.customers.retrieve(partial as string);
    expect(customer).toMatchObject({ name: 'New Name', phone: '+15550100', metadata: { plan: 'pro' } });
    // Two updates and one create: the unchanged row sent no write.
    expect((await h.emulator.admin.stats()).requests['write:200']).toBe(3);

    const createMode = await h.importCsv(csv('id,name', [`${byId},Ignored`]));
    await h.waitFor(createMode, ['completed']);
    expect(byRow(await h.results(createMode))).toEqual([['skipped', `exists: ${byId} (mode=create never updates; use mode=upsert)`]]);
  });

  it('a dry run only looks up: would_create, would_update, unchanged, skipped, failed, and no write', async () => {
    await h.emulator.admin.seed([{ email: 'here@example.com', name: 'Here' }, { email: 'two@example.com' }, { email: 'two@example.com' }]);
    await h.emulator.admin.resetStats();
    const id = await h.importCsv(
      csv('email,name', ['new@example.com,New', 'here@example.com,Renamed', 'here@example.com,Here', 'two@example.com,X', 'bad,Bad']),
      { mode: 'upsert', dry_run: 'true' },
    );
    const done = await h.waitFor(id, ['completed']);
    expect(done.dry_run).toBe(true);
    expect((await h.results(id)).map((r) => r.action)).toEqual(['would_create', 'would_update', 'unchanged', 'skipped', 'failed']);
    const stats = await h.emulator.admin.stats();
    expect(Object.keys(stats.requests).filter((k) => k.startsWith('write'))).toEqual([]);
    expect(stats.customers).toBe(3);
  });

  it('imports every file in samples/: counts add up, invalid rows fail, no duplicates', async () => {
    const dir = join(process.cwd(), 'samples');
    const files = readdirSync(dir).filter((f) => f.endsWith('.csv')).sort((a) => (a === 'customers.csv' ? -1 : 0));
    for (const file of files) {
      const text = readFileSync(join(dir, file), 'utf8');
      const [headerCells, ...records] = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true });
      const header = parseImportHeader(headerCells as string[]);
      const invalid = records.filter((cells) => !parseCustomerRow(header, cells).ok).length;
      const id = await h.importCsv(text, { mode: file.includes('upsert') ? 'upsert' : 'create', file_name: file });
      const done = await h.waitFor(id, ['completed']);
      const c = done.counts;
      expect(c.total, file).toBe(records.length);
      expect(c.processed, file).toBe(records.length);
      expect(c.created + c.updated + c.unchanged + c.skipped + c.failed, file).toBe(records.length);
      const rows = await h.results(id);
      expect(rows.map((r) => Number(r.row)), file).toEqual(records.map((_, i) => i + 1));
      const failed = rows.filter((r) => r.action === 'failed');
      if (file === 'customers-upsert-by-id.csv') {
        expect(failed.map((r) => r.message).every((m) => /no such customer/.test(m)), file).toBe(true);
      } else {
        expect(failed.length, file).toBe(invalid);
      }
      if (file === 'customers-with-errors.csv') expect(invalid).toBeGreaterThan(0);
    }
    expect((await h.emulator.admin.stats()).duplicate_emails).toEqual([]);
  });
});
