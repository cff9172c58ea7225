import { rm } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { inputPath } from '../../../src/imports/import-paths.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { createDeletionHarness, type DeletionHarness } from './deletion-harness.ts';

// The scenario: an import of 500 new customers, 5 edited and 2 given a subscription since; undone after a
// dry run, exactly those 7 stay, the rest are deleted, and customers the import did not create are never touched.
describe('undo of an import', () => {
  const closing = closeAfterAll();
  let h: DeletionHarness;
  let importId: string;
  let created: Map<string, string>;
  const edited: string[] = [];
  const subscribed: string[] = [];
  let bystanders: string[];

  beforeAll(async () => {
    h = closing(await createDeletionHarness());
    h.startWorkers();
    await h.emulator.admin.seed({ count: 20, template: { email: 'bystander{i}@example.com', name: 'Bystander {i}' } });
    bystanders = (await h.emulator.admin.customers()).map((c) => c.id);
    expect(bystanders).toHaveLength(20);
    const rows = Array.from({ length: 500 }, (_, i) => `undo${String(i)}@example.com,Undo ${String(i)}`);
    importId = await h.importCsv(`email,name\n${rows.join('\n')}\n`);
    const imported = await h.waitForImport(importId);
    expect(imported.counts.created).toBe(500);
    const customers = await h.emulator.admin.customers();
    created = new Map(customers.filter((c) => c.email?.startsWith('undo')).map((c) => [c.id, c.email ?? '']));
    expect(created.size).toBe(500);
    const ids = [...created.keys()];
    for (const id of ids.slice(0, 5)) {
      await h.emulator.stripe.customers.update(id, { name: 'Edited by hand' });
      edited.push(id);
    }
    for (const id of ids.slice(5, 7)) {
      await h.emulator.admin.subscribe(id);
      subscribed.push(id);
    }
  }, 120_000);

  it('refuses a real undo without confirm, queueing and deleting nothing', async () => {
    const refused = await h.deleteJson({ import_id: importId });
    expect(refused.status).toBe(400);
    expect(refused.error?.code).toBe('confirm_required');
    expect(refused.error?.message).toMatch(/confirm/);
    expect(await h.queued()).toEqual({ jobs: 0, records: 0 });
    expect((await h.emulator.admin.stats()).deleted_customers).toBe(0);
  });

  it('dry-runs, then deletes exactly the unchanged customers the import created', async () => {
    const dry = await h.deleteJson({ import_id: importId, dry_run: true });
    expect(dry.status).toBe(202);
    expect(dry.body).toMatchObject({ object: 'deletion', dry_run: true, source: { kind: 'import', import_id: importId }, confirm_of: null });
    const reviewed = await h.waitFor(dry.body.id, ['completed']);
    expect(reviewed.counts).toEqual({ total: 500, processed: 500, deleted: 0, would_delete: 493, kept: 7, already_deleted: 0, failed: 0 });
    expect((await h.emulator.admin.stats()).deleted_customers).toBe(0);
    const dryLines = await h.results(dry.body.id);
    const keptIds = dryLines.filter((l) => l.action === 'kept').map((l) => l.customer_id).sort();
    expect(keptIds).toEqual([...edited, ...subscribed].sort());
    for (const line of dryLines.filter((l) => edited.includes(l.customer_id))) expect(line.message).toMatch(/changed since the import \(name\)/);
    for (const line of dryLines.filter((l) => subscribed.includes(l.customer_id))) expect(line.message).toMatch(/subscriptions/);

    const real = await h.deleteJson({ import_id: importId, confirm: dry.body.id });
    expect(real.status).toBe(202);
    const done = await h.waitFor(real.body.id, ['completed']);
    expect(done.counts).toMatchObject({ total: 500, processed: 500, deleted: 493, kept: 7, failed: 0, already_deleted: 0 });
    expect(done.confirm_of).toBe(dry.body.id);

    const left = await h.emulator.admin.customers();
    expect(left.map((c) => c.id).sort()).toEqual([...bystanders, ...edited, ...subscribed].sort());
    for (const c of left.filter((x) => edited.includes(x.id))) expect(c.name).toBe('Edited by hand');
    const stats = await h.emulator.admin.stats();
    expect(stats.deleted_customers).toBe(493);
    const lines = await h.results(real.body.id);
    expect(lines.map((l) => Number(l.row)).sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(new Set(lines.filter((l) => l.action === 'deleted').map((l) => l.customer_id)).size).toBe(493);
    expect((await h.getImport(importId)).undone_by).toBe(real.body.id);
  }, 120_000);

  it('refuses a second undo of the same import', async () => {
    const again = await h.deleteJson({ import_id: importId, confirm: 'del_AAAAAAAAAAAAAAAA' });
    expect(again.status).toBe(409);
    expect(again.error?.code).toBe('import_not_undoable');
  });

  it('keeps every customer of an import whose file is gone from DATA_DIR: changes since cannot be ruled out', async () => {
    const other = await h.importCsv('email,name\nlost0@example.com,Lost 0\nlost1@example.com,Lost 1\n');
    await h.waitForImport(other);
    await rm(inputPath(h.services.dataDir, other));
    const dry = await h.deleteJson({ import_id: other, dry_run: true });
    const done = await h.waitFor(dry.body.id, ['completed']);
    expect(done.counts).toMatchObject({ total: 2, would_delete: 0, kept: 2, failed: 0 });
    for (const line of await h.results(dry.body.id)) expect(line.message).toMatch(/cannot be read, so changes since cannot be ruled out/);
  }, 60_000);
});
