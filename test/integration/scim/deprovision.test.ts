import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { deprovisionDir, deprovisionInputPath } from '../../../src/deprovisions/deprovision-paths.ts';
import { DeprovisionStore } from '../../../src/deprovisions/deprovision-store.ts';
import { QUEUE_NAMES } from '../../../src/queues/names.ts';
import { openSubmission, REFUSED_SUBMISSION, submissionKey } from '../../../src/queues/submission.ts';
import { scimAdmin } from '../../helpers/scim-emulator.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { createDeprovisionHarness, type DeprovisionHarness } from './deprovision-harness.ts';

const WARNING = 'API keys this member created stay valid until rotated under Developers → API keys';

describe('team member deprovision', () => {
  let h: DeprovisionHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createDeprovisionHarness());
    h.startWorker();
  });

  it('a dry run touches nobody, then the real run deactivates exactly the listed users', async () => {
    const admin = scimAdmin(h.emulator.url);
    const { ids } = await admin.add({
      users: [
        { userName: 'alice@example.com' },
        { userName: 'Bob@Example.com' },
        { userName: 'carol@example.com', active: false },
        { userName: 'dup@example.com' },
        { userName: 'DUP@example.com' },
        { userName: 'dave@example.com' },
        { userName: 'erin@example.com' },
      ],
    });
    const [alice, bob, carol, , , dave] = ids;
    const csv = 'email,id\nALICE@example.com,\nbob@EXAMPLE.com,\ncarol@example.com,\nnobody@example.com,\ndup@example.com,\n,' + `${dave ?? ''}\n,usr_unknown\n`;

    const dry = await h.submit(csv, '?dry_run=true');
    expect(dry.status).toBe(202);
    const dryId = (dry.body as { id: string }).id;
    expect(dryId).toMatch(/^dep_/);
    const dryDone = await h.waitFor(dryId, ['completed', 'failed']);
    expect(dryDone).toMatchObject({ status: 'completed', dry_run: true, counts: { rows: 7, would_deactivate: 3, already_inactive: 1, not_found: 2, ambiguous: 1 } });
    expect((await h.emulator.admin.stats()).scim.requests['PATCH:200']).toBeUndefined();
    expect((await admin.users()).filter((u) => !u.active).map((u) => u.id)).toEqual([carol]);
    const dryRows = await h.results(dryId);
    expect(dryRows[0]).toEqual(['row', 'email', 'action', 'user_id', 'message']);
    expect(dryRows.slice(1).map((r) => r[2])).toEqual(['would_deactivate', 'would_deactivate', 'already_inactive', 'not_found', 'ambiguous', 'would_deactivate', 'not_found']);

    const real = await h.submit(csv);
    const realId = (real.body as { id: string }).id;
    const done = await h.waitFor(realId, ['completed', 'failed']);
    expect(done).toMatchObject({ status: 'completed', dry_run: false, counts: { rows: 7, deactivated: 3, already_inactive: 1, not_found: 2, ambiguous: 1, failed: 0 } });
    expect(done.summary).toContain(WARNING);
    const rows = await h.results(realId);
    expect(rows.slice(1).map((r) => [r[0], r[2], r[3]])).toEqual([
      ['1', 'deactivated', alice],
      ['2', 'deactivated', bob],
      ['3', 'already_inactive', carol],
      ['4', 'not_found', ''],
      ['5', 'ambiguous', ''],
      ['6', 'deactivated', dave],
      ['7', 'not_found', 'usr_unknown'],
    ]);
    for (const r of rows.filter((x) => x[2] === 'deactivated')) expect(r[4]).toContain(WARNING);
    const inactive = (await admin.users()).filter((u) => !u.active).map((u) => u.id).sort();
    expect(inactive).toEqual([alice, bob, carol, dave].sort());
    const stats = await h.emulator.admin.stats();
    expect(stats.scim.requests['PATCH:200']).toBe(3);
    expect(stats.scim.users).toBe(7);
  });

  it('accepts a multipart file part', async () => {
    await scimAdmin(h.emulator.url).add({ users: [{ userName: 'multi@example.com' }] });
    const form = new FormData();
    form.set('dry_run', 'true');
    form.set('file', new Blob(['email\nmulti@example.com\n'], { type: 'text/csv' }), 'people.csv');
    const res = await fetch(`${h.baseUrl}/v1/team-member-deprovisions`, { method: 'POST', body: form });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { id: string; file_name: string };
    expect(body.file_name).toBe('people.csv');
    expect(await h.waitFor(body.id, ['completed'])).toMatchObject({ counts: { would_deactivate: 1 } });
  });

  it('refuses a CSV without an email or id column, and a bad dry_run: 400, nothing queued or kept', async () => {
    const before = await h.services.queues.deprovision.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    const noColumn = await h.submit('userName,name\na@example.com,A\n');
    expect(noColumn.status).toBe(400);
    expect(JSON.stringify(noColumn.body)).toContain('email column');
    expect((await h.submit('email\na@example.com\n', '?dry_run=perhaps')).status).toBe(400);
    expect((await h.submit('')).status).toBe(400);
    expect(await h.services.queues.deprovision.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed')).toEqual(before);
    const dir = join(h.services.config.dataDir, 'deprovisions');
    const kept = existsSync(dir) ? readdirSync(dir) : [];
    const known = await h.services.redis.zrange(`${h.services.prefix}:deprovisions`, '0', '-1');
    expect(kept.sort()).toEqual(known.sort());
  });

  it('answers 404 for an unknown or malformed id', async () => {
    expect((await fetch(`${h.baseUrl}/v1/team-member-deprovisions/dep_0000000000000000`)).status).toBe(404);
    expect((await fetch(`${h.baseUrl}/v1/team-member-deprovisions/../../etc`)).status).toBe(404);
  });
});

describe('team member deprovision without STRIPE_SCIM_TOKEN', () => {
  let h: DeprovisionHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createDeprovisionHarness({ token: null }));
  });

  it('answers 400 naming STRIPE_SCIM_TOKEN and queues nothing', async () => {
    const res = await h.submit('email\na@example.com\n');
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('STRIPE_SCIM_TOKEN');
    expect(await h.services.queues.deprovision.getJobCounts('waiting', 'active', 'delayed')).toEqual({ waiting: 0, active: 0, delayed: 0 });
  });
});

describe('cancelling a queued deprovision', () => {
  let h: DeprovisionHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createDeprovisionHarness());
  });

  it('cancels it at once (no worker runs) and refuses a second cancel of nothing else', async () => {
    const res = await h.submit('email\na@example.com\n');
    const id = (res.body as { id: string }).id;
    const cancel = await fetch(`${h.baseUrl}/v1/team-member-deprovisions/${id}`, { method: 'DELETE' });
    expect(cancel.status).toBe(200);
    expect(((await cancel.json()) as { status: string }).status).toBe('cancelled');
    expect(await h.services.queues.deprovision.getJobCounts('waiting', 'active', 'delayed')).toEqual({ waiting: 0, active: 0, delayed: 0 });
  });
});

describe('cancelling a running deprovision', () => {
  let h: DeprovisionHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createDeprovisionHarness({ rate: 4 }));
    h.startWorker();
  });

  it('stops before its next row (202, then cancelled); the rows done stay in the results, the rest untouched', async () => {
    const admin = scimAdmin(h.emulator.url);
    await admin.add({ count: 20 });
    const created = await h.submit(`email\n${Array.from({ length: 20 }, (_, k) => `user${k + 1}@example.com`).join('\n')}\n`);
    const id = (created.body as { id: string }).id;
    await h.waitFor(id, ['running'], 30_000, (d) => d.counts.rows >= 2);
    const cancel = await fetch(`${h.baseUrl}/v1/team-member-deprovisions/${id}`, { method: 'DELETE' });
    expect(cancel.status).toBe(202);
    const done = await h.waitFor(id, ['cancelled', 'completed', 'failed']);
    expect(done.status).toBe('cancelled');
    expect(done.counts.rows).toBeLessThan(20);
    const rows = (await h.results(id)).slice(1);
    expect(rows).toHaveLength(done.counts.rows);
    const inactive = (await admin.users()).filter((u) => !u.active);
    expect(inactive).toHaveLength(done.counts.deactivated);
    const again = await fetch(`${h.baseUrl}/v1/team-member-deprovisions/${id}`, { method: 'DELETE' });
    expect(again.status).toBe(200);
  });
});

describe('a deprovision whose submission was never accepted', () => {
  let h: DeprovisionHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createDeprovisionHarness());
  });

  it('is not run: its client was answered 503, so no member is deactivated', async () => {
    const { ids } = await scimAdmin(h.emulator.url).add({ count: 1 });
    const store = new DeprovisionStore(h.services.redis, h.services.prefix);
    const id = 'dep_RefusedSubmisXYZ';
    mkdirSync(deprovisionDir(h.services.config.dataDir, id), { recursive: true });
    writeFileSync(deprovisionInputPath(h.services.config.dataDir, id), `id\n${ids[0] ?? ''}\n`);
    // What the API leaves when Redis froze between recording and accepting: an open window that then closes.
    await openSubmission(h.services.redis, submissionKey(h.services.prefix, 'deprovision', id));
    await store.create({ id, dryRun: false, fileName: 'x.csv' });
    await h.services.queues.deprovision.add(QUEUE_NAMES.deprovision, { deprovisionId: id }, { jobId: id });
    h.startWorker();
    const done = await h.waitFor(id, ['failed', 'completed'], 10_000);
    expect(done.status).toBe('failed');
    expect(done.error).toBe(REFUSED_SUBMISSION);
    expect((await scimAdmin(h.emulator.url).users()).every((u) => u.active)).toBe(true);
  });
});

describe('a deprovision whose SCIM token is refused', () => {
  let h: DeprovisionHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createDeprovisionHarness({ workerToken: 'scim_Refused_1234abcd' }));
    h.startWorker();
  });

  it('fails the job at the first 401, naming STRIPE_SCIM_TOKEN but not its value, instead of failing every row', async () => {
    const created = await h.submit(`email\n${Array.from({ length: 10 }, (_, k) => `u${k}@example.com`).join('\n')}\n`);
    const done = await h.waitFor((created.body as { id: string }).id, ['failed', 'completed'], 8_000);
    expect(done.status).toBe('failed');
    expect(done.error).toContain('STRIPE_SCIM_TOKEN');
    expect(done.error).not.toContain('scim_Refused_1234abcd');
    expect((await h.emulator.admin.stats()).scim.requests['GET:401']).toBe(1);
  });
});
