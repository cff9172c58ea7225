import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiList, apiRecord } from '../../helpers/api-json.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { createImportHarness, csv, type ImportHarness } from './import-harness.ts';

/** The HTTP contract of /v1/imports: uploads, header errors (nothing queued), records, results, cancel. */
describe('POST /v1/imports and friends', () => {
  let h: ImportHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createImportHarness({ env: { UPLOAD_MAX_BYTES: '2000' } }));
  });

  const importsDir = () => join(h.services.dataDir, 'imports');
  const leftovers = () => (existsSync(importsDir()) ? readdirSync(importsDir()) : []);

  async function expectRejected(res: Response, status: number, pattern: RegExp) {
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(res.status).toBe(status);
    expect(body.error.message).toMatch(pattern);
    return body.error;
  }

  it('answers 400 for each header problem, naming it, with nothing queued and no file left', async () => {
    const before = leftovers().length;
    await expectRejected(await h.upload(''), 400, /empty/);
    await expectRejected(await h.upload('name,phone\nAnn,1\n'), 400, /email column or an id column/);
    const unknown = await expectRejected(await h.upload('email,colour\na@x.com,red\n'), 400, /unknown column .colour/);
    expect(unknown.code).toBe('invalid_header');
    await expectRejected(await h.upload('email,Email\na@x.com,a@x.com\n'), 400, /appears twice/);
    await expectRejected(await h.upload('{"email": "x"}\n'), 400, /not valid CSV/);
    await expectRejected(await h.upload('email,"name\n'), 400, /not valid CSV/);
    const latin1 = new Blob([Buffer.from('email,name\nzoe@x.com,Zo\xeb\n', 'latin1')]);
    const res = await fetch(`${h.baseUrl}/v1/imports`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: latin1 });
    await expectRejected(res, 400, /not UTF-8/);
    // The same code as a bad export option: one code for a bad option, query parameter or body field.
    const badMode = await expectRejected(await h.upload('email\na@x.com\n', { mode: 'merge' }), 400, /mode must be create or upsert/);
    expect(badMode.code).toBe('invalid_request');
    const badDryRun = await expectRejected(await h.upload('email\na@x.com\n', { dry_run: 'perhaps' }), 400, /dry_run must be true or false/);
    expect(badDryRun.code).toBe('invalid_request');
    expect(await h.services.queues.import.getJobCounts()).toMatchObject({ waiting: 0, active: 0, delayed: 0 });
    expect(leftovers().length).toBe(before);
    expect(apiList(await (await fetch(`${h.baseUrl}/v1/imports`)).json())).toEqual([]);
  });

  it('answers 413 over UPLOAD_MAX_BYTES and 415 for other content types', async () => {
    const big = csv('email', Array.from({ length: 200 }, (_, i) => `user${i}@example.com`));
    await expectRejected(await h.upload(big), 413, /larger than the limit/);
    const res = await fetch(`${h.baseUrl}/v1/imports`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    await expectRejected(res, 415, /text\/csv/);
    expect(leftovers()).toEqual([]);
  });

  it('accepts a text/csv body and a multipart file, queues them, lists them, and serves results', async () => {
    const res = await h.upload('email,name\nann@example.com,Ann\n', { mode: 'upsert', dry_run: 'true', file_name: 'crm.csv' });
    expect(res.status).toBe(202);
    const body = apiRecord(await res.json());
    expect(body).toMatchObject({ status: 'queued', mode: 'upsert', dry_run: true, file_name: 'crm.csv' });
    expect(body.id).toMatch(/^imp_[A-Za-z0-9]{16}$/);
    expect(body.links).toEqual({ self: `/v1/imports/${body.id}`, results: `/v1/imports/${body.id}/results` });

    const form = new FormData();
    form.append('mode', 'create');
    form.append('file', new Blob(['email\nbob@example.com\n'], { type: 'text/csv' }), 'bob.csv');
    const multi = await fetch(`${h.baseUrl}/v1/imports`, { method: 'POST', body: form });
    expect(multi.status).toBe(202);
    const second = (await multi.json()) as { id: string; file_name: string; mode: string };
    expect(second).toMatchObject({ file_name: 'bob.csv', mode: 'create' });

    const list = (await (await fetch(`${h.baseUrl}/v1/imports?limit=5`)).json()) as { data: { id: string }[] };
    expect(list.data.map((r) => r.id)).toEqual([second.id, body.id]);
    expect(await h.services.queues.import.getJob(second.id)).toBeTruthy();
    // Queued: the results file holds only its header so far.
    expect(await h.results(second.id)).toEqual([]);

    h.startWorker();
    const done = await h.waitFor(second.id, ['completed']);
    expect(done.counts).toMatchObject({ total: 1, processed: 1, created: 1 });
    const rows = await h.results(second.id);
    expect(rows).toEqual([{ row: '1', email: 'bob@example.com', action: 'created', customer_id: rows[0]?.customer_id, message: '' }]);
    expect(rows[0]?.customer_id).toMatch(/^cus_/);
    const dry = await h.waitFor(body.id, ['completed']);
    expect(dry.counts).toMatchObject({ total: 1, created: 1 });
    expect((await h.results(body.id))[0]?.action).toBe('would_create');
  });

  it('answers 404 for unknown imports and 409 when cancelling a finished one', async () => {
    expect((await fetch(`${h.baseUrl}/v1/imports/imp_0000000000000000`)).status).toBe(404);
    expect((await fetch(`${h.baseUrl}/v1/imports/../../etc/passwd/results`)).status).toBe(404);
    expect((await fetch(`${h.baseUrl}/v1/imports/imp_0000000000000000/results`)).status).toBe(404);
    expect((await fetch(`${h.baseUrl}/v1/imports/imp_0000000000000000`, { method: 'DELETE' })).status).toBe(404);
    const id = await h.importCsv('email\ncarol@example.com\n');
    await h.waitFor(id, ['completed']);
    expect((await fetch(`${h.baseUrl}/v1/imports/${id}`, { method: 'DELETE' })).status).toBe(409);
  });
});
