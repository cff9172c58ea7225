import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { createDeletionHarness, type Answer, type DeletionHarness } from './deletion-harness.ts';

// Every refusal names what to fix, queues nothing, records nothing, leaves no file and deletes no customer.
describe('POST /v1/deletions refuses bad input', () => {
  const closing = closeAfterAll();
  let h: DeletionHarness;
  let queuedImport: string;

  const nothingLeft = async (): Promise<void> => {
    expect(await h.queued()).toEqual({ jobs: 0, records: 0 });
    const dirs = await readdir(join(h.services.dataDir, 'deletions')).catch(() => []);
    expect(dirs).toEqual([]);
    expect((await h.emulator.admin.stats()).deleted_customers).toBe(0);
  };
  const refused = async (answer: Answer, status: number, code: string, names: RegExp): Promise<void> => {
    expect(answer.status).toBe(status);
    expect(answer.error?.code).toBe(code);
    expect(answer.error?.message).toMatch(names);
    await nothingLeft();
  };
  const post = (body: string, type: string) =>
    fetch(`${h.baseUrl}/v1/deletions`, { method: 'POST', headers: { 'Content-Type': type }, body });

  beforeAll(async () => {
    h = closing(await createDeletionHarness());
    await h.emulator.admin.seed([{ email: 'a@example.com' }]);
    // No worker yet: this import stays queued.
    queuedImport = await h.importCsv('email\nq@example.com\n');
  }, 60_000);

  it('a malformed import id, confirm or deletion id', async () => {
    await refused(await h.deleteJson({ import_id: 'imp_short', dry_run: true }), 400, 'invalid_request', /import_id/);
    await refused(await h.deleteJson({ import_id: queuedImport, confirm: 'del_nope' }), 400, 'invalid_request', /confirm must be the id of a finished dry run/);
    await refused(await h.deleteCsv('id\ncus_1\n', { confirm: 'imp_AAAAAAAAAAAAAAAA' }), 400, 'invalid_request', /confirm/);
    expect((await fetch(`${h.baseUrl}/v1/deletions/del_bad`)).status).toBe(404);
    expect((await fetch(`${h.baseUrl}/v1/deletions/del_AAAAAAAAAAAAAAAA`)).status).toBe(404);
  });

  it('a CSV without an id or email column, an empty CSV, unknown options', async () => {
    await refused(await h.deleteCsv('name\nBob\n', { dry_run: 'true' }), 400, 'missing_column', /"id" column .* or an "email" column/);
    await refused(await h.deleteCsv('', { dry_run: 'true' }), 400, 'empty_header', /header/);
    await refused(await h.deleteCsv('id\ncus_1\n', { dry_run: 'maybe' }), 400, 'invalid_request', /dry_run must be true or false/);
    await refused(await h.deleteCsv('id\ncus_1\n', { mode: 'create' }), 400, 'invalid_request', /unknown option mode/);
    await refused(await h.deleteJson({ import_id: queuedImport, dry_run: true, extra: 1 }), 400, 'invalid_request', /extra: unknown field/);
  });

  it('a body that is neither CSV nor JSON, and JSON that does not parse', async () => {
    const xml = await post('<delete/>', 'application/xml');
    await refused({ status: xml.status, body: undefined as never, error: ((await xml.json()) as { error: Answer['error'] }).error }, 415, 'unsupported_media_type', /CSV .* or JSON \{"import_id"/);
    const broken = await post('{"import_id": ', 'application/json');
    await refused({ status: broken.status, body: undefined as never, error: ((await broken.json()) as { error: Answer['error'] }).error }, 400, 'invalid_json', /JSON/);
  });

  it('an undo of an import that is still queued, is unknown, or a dry run with a confirm', async () => {
    await refused(await h.deleteJson({ import_id: queuedImport, dry_run: true }), 409, 'import_not_undoable', /still queued/);
    await refused(await h.deleteJson({ import_id: 'imp_AAAAAAAAAAAAAAAA', dry_run: true }), 404, 'not_found', /imp_AAAAAAAAAAAAAAAA/);
    await refused(await h.deleteJson({ import_id: queuedImport, dry_run: true, confirm: 'del_AAAAAAAAAAAAAAAA' }), 400, 'invalid_request', /confirm cannot be given with dry_run=true/);
  });

  it('an undo of an import that created nothing, and a confirm that matches no finished dry run', async () => {
    const workers = h.startWorkers();
    await h.waitForImport(queuedImport);
    // Every row of this import is an email that exists already: it creates nothing.
    const nothing = await h.importCsv('email\na@example.com\n');
    expect((await h.waitForImport(nothing)).counts.created).toBe(0);
    await refused(await h.deleteJson({ import_id: nothing, dry_run: true }), 400, 'nothing_to_delete', /created no customer/);
    await refused(await h.deleteJson({ import_id: queuedImport, confirm: 'del_AAAAAAAAAAAAAAAA' }), 409, 'confirm_mismatch', /confirm=del_AAAAAAAAAAAAAAAA .* no such deletion/);
    // A dry run of another source is no confirm either.
    await workers.close(5_000);
    const dry = await h.deleteCsv('email\na@example.com\n', { dry_run: 'true' });
    expect(dry.status).toBe(202);
    const before = await h.queued();
    const running = await h.deleteJson({ import_id: queuedImport, confirm: dry.body.id });
    expect(running.status).toBe(409);
    expect(running.error?.message).toMatch(/the dry run is queued, not completed/);
    expect(await h.queued()).toEqual(before);
  }, 60_000);
});
