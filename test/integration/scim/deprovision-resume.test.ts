import { appendFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { deprovisionResultsPath } from '../../../src/deprovisions/deprovision-paths.ts';
import { deprovisionKeys } from '../../../src/redis-keys.ts';
import { exited } from '../exports/export-harness.ts';
import { scimAdmin, scimFetch } from '../../helpers/scim-emulator.ts';
import { filesHolding, redisKeysHolding } from '../../helpers/secret-scan.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { createDeprovisionHarness, type DeprovisionHarness } from './deprovision-harness.ts';

const TOKEN = 'scim_Resume_5e1d0c9b8a7f6e5d';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('deprovision after kill -9 of its worker', () => {
  let h: DeprovisionHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createDeprovisionHarness({ token: TOKEN, rate: 6 }));
  });

  it('resumes from the checkpoint: every row once, the row whose PATCH went out before the crash still says deactivated', async () => {
    const admin = scimAdmin(h.emulator.url);
    const { ids } = await admin.add({ count: 30 });
    await admin.add({ count: 5, from: 100 });
    const csv = `email\n${Array.from({ length: 30 }, (_, k) => `USER${k + 1}@example.com`).join('\n')}\n`;
    const first = h.spawnWorker();
    const created = await h.submit(csv);
    const id = (created.body as { id: string }).id;
    await h.waitFor(id, ['running'], 30_000, (d) => d.counts.rows >= 6);
    first.child.kill('SIGKILL');
    await exited(first.child);
    const atKill = await h.get(id);
    expect(atKill.status).toBe('running');
    const next = atKill.counts.rows + 1;
    const nextUser = ids[next - 1] ?? '';
    // The crash point between a row's PATCH and its checkpoint, rebuilt: the mark the run sets before the PATCH,
    // the PATCH itself, and a result line written after the last checkpoint.
    await h.services.redis.hset(deprovisionKeys.record(h.services.prefix, id), { pending_row: next, pending_user: nextUser });
    await scimFetch(h.emulator.url, `/Users/${nextUser}`, { method: 'PATCH', token: TOKEN, body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] } });
    appendFileSync(deprovisionResultsPath(h.services.config.dataDir, id), `${next},torn@example.com,deactivated,usr_torn,torn\n`);

    const second = h.spawnWorker({ STRIPE_SCIM_RATE: '200', LOG_LEVEL: 'debug' });
    const done = await h.waitFor(id, ['completed', 'failed'], 45_000);
    second.child.kill('SIGKILL');
    await exited(second.child);
    expect(done).toMatchObject({ status: 'completed', counts: { rows: 30, deactivated: 30, already_inactive: 0 } });
    const rows = (await h.results(id)).slice(1);
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 30 }, (_, k) => String(k + 1)));
    expect(rows.map((r) => r[3])).toEqual(ids);
    expect(new Set(rows.map((r) => r[2]))).toEqual(new Set(['deactivated']));
    const users = await admin.users();
    expect(users.filter((u) => !u.active).map((u) => u.id).sort()).toEqual([...ids].sort());
    expect(users.filter((u) => u.active)).toHaveLength(5);
    expect(second.output()).toContain('resuming the deprovision from its checkpoint');
    for (const out of [first.output(), second.output()]) expect(out).not.toContain(TOKEN);
    expect(await redisKeysHolding(h.services.redis, TOKEN)).toEqual([]);
    expect(filesHolding(h.services.config.dataDir, TOKEN)).toEqual([]);
  });
});
