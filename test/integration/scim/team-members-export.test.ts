import { spawn } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportDir, partsDir } from '../../../src/exports/export-paths.ts';
import { exportKeys } from '../../../src/redis-keys.ts';
import { WORKER_ENTRY_ARGS } from '../../../dev/worker-entry.ts';
import { scimAdmin, scimUrl } from '../../helpers/scim-emulator.ts';
import { filesHolding, redisKeysHolding } from '../../helpers/secret-scan.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { createExportHarness, exited, idsOf, type ExportHarness } from '../exports/export-harness.ts';

/** A token no other test uses, so finding it anywhere is this file's leak. */
const TOKEN = 'scim_Secret_9f3b7c1e2d4a6b8c';
const COLUMNS = ['id', 'userName', 'active', 'name.givenName', 'name.familyName', 'emails', 'meta.created', 'meta.lastModified'];

describe('team_members export', () => {
  let h: ExportHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(
      await createExportHarness({
        emulator: { scimToken: TOKEN, scimLimit: 0 },
        env: (url) => ({ STRIPE_SCIM_URL: scimUrl(url), STRIPE_SCIM_TOKEN: TOKEN, STRIPE_SCIM_RATE: '4' }),
      }),
    );
  });

  it('holds every user present throughout exactly once while users are added and removed during the walk', async () => {
    const admin = scimAdmin(h.emulator.url);
    await h.emulator.admin.reset();
    const { ids } = await admin.add({ count: 1000 });
    const worker = h.startWorker();
    const created = await h.createExport({ object: 'team_members' });
    const gone = new Set<string>();
    await h.waitFor(created.id, ['running', 'completed'], 30_000, (e) => e.counts.pages >= 3);
    // Users already read leave (later users slide into read positions), unread ones leave, some arrive at the top.
    for (const id of [...ids.slice(10, 20), ...ids.slice(800, 810)]) {
      await admin.remove(id);
      gone.add(id);
    }
    await admin.add({ count: 5, from: 5000, position: 0 });
    await h.waitFor(created.id, ['running', 'completed'], 30_000, (e) => e.counts.pages >= 7);
    for (const id of ids.slice(100, 105)) {
      await admin.remove(id);
      gone.add(id);
    }
    await admin.add({ count: 20, from: 6000 });
    const done = await h.waitFor(created.id, ['completed', 'failed'], 60_000);
    await worker.close();
    expect(done.status).toBe('completed');
    const file = await h.download(created.id);
    expect(file.header).toEqual(COLUMNS);
    const written = idsOf(file);
    expect(new Set(written).size).toBe(written.length);
    const everSeen = new Set((await admin.users()).map((u) => u.id));
    for (const id of gone) everSeen.add(id);
    for (const id of ids.filter((i) => !gone.has(i))) expect(written.filter((w) => w === id)).toHaveLength(1);
    for (const id of written) expect(everSeen.has(id)).toBe(true);
    expect(done.counts.customers).toBe(written.length);
    expect(done.warnings.join()).toContain('the team member list changed during the export');
    expect(done.file?.name).toMatch(/^team-members-exp_/);
    const row = file.rows.find((r) => r[0] === ids[0]);
    expect(row?.slice(1, 6)).toEqual(['user1@example.com', 'true', 'Given1', 'Family1', 'user1@example.com']);
  });

  it('resumes after kill -9 of its worker: every user exactly once, in list order, and the token nowhere', async () => {
    const admin = scimAdmin(h.emulator.url);
    await h.emulator.admin.reset();
    const { ids } = await admin.add({ count: 1000 });
    const first = h.spawnWorker();
    const created = await h.createExport({ object: 'team_members' });
    await h.waitFor(created.id, ['running'], 30_000, (e) => e.counts.pages >= 3);
    first.kill('SIGKILL');
    await exited(first);
    // A page appended to the working file whose checkpoint never reached Redis: the resume must cut it off.
    appendFileSync(join(partsDir(h.services.config.dataDir, created.id), 'team-members.csv'), 'usr_torn,torn@example.com\n');
    const second = spawn(process.execPath, [...WORKER_ENTRY_ARGS.source], {
      env: { ...process.env, ...h.services.workerEnv, STRIPE_SCIM_RATE: '100', LOG_LEVEL: 'debug' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    second.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    second.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const done = await h.waitFor(created.id, ['completed', 'failed'], 45_000);
    second.kill('SIGKILL');
    await exited(second);
    expect(done.status).toBe('completed');
    expect(idsOf(await h.download(created.id))).toEqual(ids);
    expect(done.warnings).toEqual([]);
    expect(output).toContain('resuming the team member walk');
    expect(output).not.toContain(TOKEN);
    expect(await redisKeysHolding(h.services.redis, TOKEN)).toEqual([]);
    expect(filesHolding(h.services.config.dataDir, TOKEN)).toEqual([]);
  });

  it('stops at its next page when cancelled, leaving no file and no walk state', async () => {
    await h.emulator.admin.reset();
    await scimAdmin(h.emulator.url).add({ count: 1000 });
    const worker = h.startWorker();
    const created = await h.createExport({ object: 'team_members' });
    await h.waitFor(created.id, ['running'], 30_000, (e) => e.counts.pages >= 2);
    expect((await h.request('DELETE', `/v1/exports/${created.id}`)).status).toBeLessThan(300);
    await h.waitFor(created.id, ['cancelled']);
    // The worker ends its attempt at the next page: then nothing of the export remains.
    const deadline = Date.now() + 10_000;
    const { redis, config } = h.services;
    while ((await redis.exists(exportKeys.scimWalk(config.queuePrefix, created.id))) === 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await redis.exists(exportKeys.scimWalk(config.queuePrefix, created.id), exportKeys.scimIds(config.queuePrefix, created.id))).toBe(0);
    await worker.close();
    expect(existsSync(exportDir(config.dataDir, created.id))).toBe(false);
  });

  it('refuses Customers filters and columns for team_members, and a filter for customers: 400, nothing queued', async () => {
    const before = await h.services.queues.export.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    for (const body of [{ object: 'team_members', columns: ['id'] }, { object: 'team_members', created: { gte: 1 } }, { filter: 'userName eq "a"' }, { object: 'users' }]) {
      const res = await h.request('POST', '/v1/exports', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect(await h.services.queues.export.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed')).toEqual(before);
  });

  it('passes a SCIM filter through, gzipped on request', async () => {
    await h.emulator.admin.reset();
    await scimAdmin(h.emulator.url).add({ count: 30 });
    const worker = h.startWorker();
    const { file, record } = await h.exportFile({ object: 'team_members', filter: 'userName eq "USER7@example.com"', gzip: true });
    expect(record.file?.name).toMatch(/\.csv\.gz$/);
    expect(file.headers.get('content-type')).toBe('application/gzip');
    await worker.close();
    expect(file.rows.map((r) => r[1])).toEqual(['user7@example.com']);
  });
});

describe('team_members export without STRIPE_SCIM_TOKEN', () => {
  let h: ExportHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createExportHarness());
  });

  it('answers 400 naming STRIPE_SCIM_TOKEN and queues nothing', async () => {
    const res = await h.request('POST', '/v1/exports', { object: 'team_members' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('STRIPE_SCIM_TOKEN');
    expect(await h.services.queues.export.getJobCounts('waiting', 'active', 'delayed')).toEqual({ waiting: 0, active: 0, delayed: 0 });
    const list = await h.request('GET', '/v1/exports');
    expect((list.body as { data: unknown[] }).data).toEqual([]);
  });

  it('refuses a team_members schedule the same way, storing nothing', async () => {
    const res = await h.request('POST', '/v1/export-schedules', { cron: '0 3 * * *', object: 'team_members' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('STRIPE_SCIM_TOKEN');
    expect(((await h.request('GET', '/v1/export-schedules')).body as { data: unknown[] }).data).toEqual([]);
  });
});

describe('team_members export with a token the SCIM endpoint refuses', () => {
  let h: ExportHarness;
  const closing = closeAfterAll();
  const wrong = 'scim_Wrong_0a1b2c3d4e5f';
  beforeAll(async () => {
    h = closing(await createExportHarness({ env: (url) => ({ STRIPE_SCIM_URL: scimUrl(url), STRIPE_SCIM_TOKEN: wrong }) }));
  });

  it('fails at once (no retries of a 401) naming the status, never the token', async () => {
    await scimAdmin(h.emulator.url).add({ count: 3 });
    const worker = h.startWorker();
    const created = await h.createExport({ object: 'team_members' });
    const done = await h.waitFor(created.id, ['failed', 'completed'], 8_000);
    await worker.close();
    expect(done.status).toBe('failed');
    expect(done.error).toContain('401');
    expect(done.error).not.toContain(wrong);
    expect((await h.emulator.admin.stats()).scim.requests['GET:401']).toBe(1);
  });
});
