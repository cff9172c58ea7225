import { beforeAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { deletionResultsPath } from '../../../src/deletions/deletion-paths.ts';
import { OPENAPI_DOCUMENT } from '../../../src/http/openapi/openapi-document.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { undocumentedAnswer } from '../http/openapi-contract.ts';
import { createDeletionHarness, type DeletionHarness } from './deletion-harness.ts';

// A CSV deletion is refused without confirm, and with it deletes exactly what its dry run listed as would_delete.
describe('CSV deletion', () => {
  const closing = closeAfterAll();
  let h: DeletionHarness;
  let ids: string[];
  let csv: string;

  beforeAll(async () => {
    h = closing(await createDeletionHarness());
    h.startWorkers();
    ({ ids } = await h.emulator.admin.seed([
      { email: 'plain0@example.com' },
      { email: 'plain1@example.com' },
      { email: 'byemail@example.com' },
      { email: 'owes@example.com', balance: 500 },
      { email: 'card@example.com' },
      { email: 'twin@example.com' },
      { email: 'twin@example.com' },
      { email: 'gone@example.com' },
      { email: 'untouched@example.com' },
    ]));
    await h.emulator.admin.setPaymentMethod(ids[4] as string);
    await h.emulator.stripe.customers.del(ids[7] as string);
    csv = [
      'id,email',
      `${ids[0] as string},`,
      `${ids[1] as string},`,
      ',ByEmail@example.com',
      `${ids[3] as string},`,
      `${ids[4] as string},`,
      ',twin@example.com',
      `${ids[7] as string},`,
      'cus_doesnotexist000,',
      `${ids[0] as string},`,
      '',
    ].join('\n');
  }, 60_000);

  it('refuses a real run without confirm (400) and with a confirm that reviewed another file (409), queueing nothing', async () => {
    const bare = await h.deleteCsv(csv);
    expect(bare.status).toBe(400);
    expect(bare.error?.code).toBe('confirm_required');
    const otherDry = await h.deleteCsv(`id\n${ids[8] as string}\n`, { dry_run: 'true' });
    await h.waitFor(otherDry.body.id, ['completed']);
    const before = await h.queued();
    const mismatch = await h.deleteCsv(csv, { confirm: otherDry.body.id });
    expect(mismatch.status).toBe(409);
    expect(mismatch.error).toMatchObject({ code: 'confirm_mismatch' });
    expect(mismatch.error?.message).toMatch(/confirm=del_.*another file/);
    expect(await h.queued()).toEqual(before);
    expect((await h.emulator.admin.stats()).deleted_customers).toBe(1); // the one the test deleted itself
  }, 60_000);

  it('deletes exactly the reviewed rows once confirmed, and says why every other row was left', async () => {
    const dry = await h.deleteCsv(csv, { dry_run: 'true' });
    expect(dry.status).toBe(202);
    const reviewed = await h.waitFor(dry.body.id, ['completed']);
    expect(reviewed.counts).toEqual({ total: 9, processed: 9, deleted: 0, would_delete: 3, kept: 3, already_deleted: 2, failed: 1 });
    const real = await h.deleteCsv(csv, { confirm: dry.body.id });
    expect(real.status).toBe(202);
    const done = await h.waitFor(real.body.id, ['completed']);
    expect(done.counts).toEqual({ total: 9, processed: 9, deleted: 3, would_delete: 0, kept: 3, already_deleted: 2, failed: 1 });
    const lines = await h.results(real.body.id);
    const byRow = new Map(lines.map((l) => [Number(l.row), l]));
    expect(byRow.get(1)).toMatchObject({ action: 'deleted', customer_id: ids[0], email: 'plain0@example.com' });
    expect(byRow.get(2)).toMatchObject({ action: 'deleted', customer_id: ids[1] });
    expect(byRow.get(3)).toMatchObject({ action: 'deleted', customer_id: ids[2], email: 'ByEmail@example.com' });
    expect(byRow.get(4)?.message).toMatch(/balance is 500/);
    expect(byRow.get(5)?.message).toMatch(/default payment method/);
    expect(byRow.get(6)).toMatchObject({ action: 'kept' });
    expect(byRow.get(6)?.message).toMatch(/ambiguous: 2 customers/);
    expect(byRow.get(7)).toMatchObject({ action: 'already_deleted', customer_id: ids[7] });
    expect(byRow.get(8)).toMatchObject({ action: 'failed' });
    expect(byRow.get(9)).toMatchObject({ action: 'already_deleted', message: 'also listed on row 1; that row decides it' });
    const left = new Set((await h.emulator.admin.customers()).map((c) => c.id));
    expect([...left].sort()).toEqual([ids[3], ids[4], ids[5], ids[6], ids[8]].sort());
  }, 60_000);

  it('deletes a kept customer only with force, reviewed by a forced dry run', async () => {
    const file = `id\n${ids[3] as string}\n`;
    const dry = await h.deleteCsv(file, { dry_run: 'true', force: 'true' });
    await h.waitFor(dry.body.id, ['completed']);
    const [line] = await h.results(dry.body.id);
    expect(line).toMatchObject({ action: 'would_delete', message: 'forced although its balance is 500, not 0' });
    const real = await h.deleteCsv(file, { confirm: dry.body.id, force: 'true' });
    expect((await h.waitFor(real.body.id, ['completed'])).counts.deleted).toBe(1);
    await expect(h.emulator.stripe.customers.retrieve(ids[3] as string)).resolves.toMatchObject({ deleted: true });
  }, 60_000);

  it('answers as /openapi.json documents: the created deletion, its status and its results', async () => {
    const documented = async (method: string, template: string, res: Response): Promise<void> => {
      const text = await res.text();
      const answer = { status: res.status, contentType: res.headers.get('content-type') ?? '', text };
      expect(undocumentedAnswer(OPENAPI_DOCUMENT, method, template, answer)).toBeNull();
    };
    const res = await fetch(`${h.baseUrl}/v1/deletions?dry_run=true`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: `id\n${ids[8] as string}\n` });
    const { id } = (await res.clone().json()) as { id: string };
    await documented('post', '/v1/deletions', res);
    await h.waitFor(id, ['completed']);
    await documented('get', '/v1/deletions/{id}', await fetch(`${h.baseUrl}/v1/deletions/${id}`));
    await documented('get', '/v1/deletions/{id}/results', await fetch(`${h.baseUrl}/v1/deletions/${id}/results`));
    await documented('delete', '/v1/deletions/{id}', await fetch(`${h.baseUrl}/v1/deletions/${id}`, { method: 'DELETE' }));
    const undo = await fetch(`${h.baseUrl}/v1/deletions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"import_id":"imp_AAAAAAAAAAAAAAAA","dry_run":true}' });
    expect(undo.status).toBe(404);
    await documented('post', '/v1/deletions', undo);
  }, 60_000);

  it('refuses to confirm a dry run whose results are gone from DATA_DIR, deleting nothing', async () => {
    const file = `id\n${ids[8] as string}\n`;
    const dry = await h.deleteCsv(file, { dry_run: 'true' });
    await h.waitFor(dry.body.id, ['completed']);
    await rm(deletionResultsPath(h.services.dataDir, dry.body.id));
    const before = await h.queued();
    const real = await h.deleteCsv(file, { confirm: dry.body.id });
    expect(real.status).toBe(409);
    expect(real.error).toMatchObject({ code: 'confirm_mismatch' });
    expect(real.error?.message).toMatch(/results are gone from DATA_DIR; run a new dry run/);
    expect(await h.queued()).toEqual(before);
    await expect(h.emulator.stripe.customers.retrieve(ids[8] as string)).resolves.not.toHaveProperty('deleted');
  }, 60_000);

  it('matches an email as imports do: a casing stripe-bulk created is found through the created-email registry', async () => {
    const importId = await h.importCsv('email\nMixed.Case@Example.com\n');
    await h.waitForImport(importId);
    const created = (await h.emulator.admin.customers()).find((c) => c.email === 'Mixed.Case@Example.com');
    const dry = await h.deleteCsv('email\nmixed.case@example.com\nnobody@example.com\n', { dry_run: 'true' });
    await h.waitFor(dry.body.id, ['completed']);
    const [found, missing] = await h.results(dry.body.id);
    expect(found).toMatchObject({ action: 'would_delete', customer_id: created?.id, email: 'mixed.case@example.com' });
    expect(missing).toMatchObject({ action: 'failed', customer_id: '', message: 'no live customer has this email' });
  }, 60_000);
});
