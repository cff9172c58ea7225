import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { walkStep, type WalkStep } from '../../../jobs/export/team-members/team-members-walk.ts';
import type { WalkState } from '../../../jobs/export/team-members/walk-checkpoint.ts';
import { createScimRateLimiter } from '../../../src/rate-limit/scim-limiter.ts';
import { createScimClient, type ScimClient } from '../../../src/scim/scim-client.ts';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.ts';
import { scimAdmin, scimUrl, TEST_SCIM_TOKEN } from '../../helpers/scim-emulator.ts';
import { createTestServices, type TestServices } from '../../helpers/services.ts';

let emulator: TestEmulator;
let services: TestServices;
let scim: ScimClient;

beforeAll(async () => {
  emulator = await startTestEmulator();
  services = createTestServices({ emulatorUrl: emulator.url, env: { STRIPE_SCIM_RATE: '1000' } });
  scim = createScimClient({
    url: scimUrl(emulator.url),
    token: TEST_SCIM_TOKEN,
    timeoutMs: 5_000,
    limiter: createScimRateLimiter(services.redis, services.config),
  });
});

beforeEach(async () => {
  await emulator.admin.reset();
});

afterAll(async () => {
  await services.close();
  await emulator.close();
});

/**
 * Walks the whole list with pages of `pageSize`, calling `between(page)` after each page (1-based) to mutate it;
 * answers every written id in order and the last state.
 */
async function walk(pageSize: number, between: (page: number) => Promise<void>): Promise<{ written: string[]; state: WalkState }> {
  let state: WalkState = { start: 1, lastTotal: null, anchor: null, bytes: 0, rows: 0, pages: 0, rewinds: 0 };
  const written: string[] = [];
  const seen = new Set<string>();
  for (let page = 1; page <= 1_000; page++) {
    const step: WalkStep = await walkStep(scim, state, seen, { pageSize });
    for (const u of step.fresh) {
      written.push(u.id);
      seen.add(u.id);
    }
    state = step.state;
    if (step.done) return { written, state };
    await between(page);
  }
  throw new Error('the walk did not end');
}

describe('team member walk (offset pages that shift under it)', () => {
  it('writes every user present throughout exactly once when users are removed before the read position', async () => {
    const admin = scimAdmin(emulator.url);
    const { ids } = await admin.add({ count: 50 });
    const removed = ids.slice(2, 7);
    const { written, state } = await walk(10, async (page) => {
      // After page 2 (users 1-20 read): five of them go, so users 21-25 slide back into positions already read.
      if (page === 2) for (const id of removed) await admin.remove(id);
    });
    const present = ids.filter((id) => !removed.includes(id));
    expect(new Set(written).size).toBe(written.length);
    for (const id of present) expect(written).toContain(id);
    expect(state.rewinds).toBe(1);
  });

  it('writes every user present throughout exactly once when users are inserted before the read position', async () => {
    const admin = scimAdmin(emulator.url);
    const { ids } = await admin.add({ count: 50 });
    const { written, state } = await walk(10, async (page) => {
      if (page === 3) await admin.add({ count: 4, from: 1000, position: 0 });
    });
    expect(new Set(written).size).toBe(written.length);
    for (const id of ids) expect(written).toContain(id);
    expect(state.rewinds).toBe(1);
  });

  it('sees a shift that leaves totalResults as it was (one read user removed, one added at the end)', async () => {
    const admin = scimAdmin(emulator.url);
    const { ids } = await admin.add({ count: 40 });
    const removed = ids[3] ?? '';
    const { written, state } = await walk(10, async (page) => {
      if (page === 2) {
        await admin.remove(removed);
        await admin.add({ count: 1, from: 900 });
      }
    });
    expect(new Set(written).size).toBe(written.length);
    for (const id of ids.filter((i) => i !== removed)) expect(written).toContain(id);
    expect(state.rewinds).toBe(1);
  });

  it('holds every user present throughout exactly once under any adds and removes between pages (property)', async () => {
    const admin = scimAdmin(emulator.url);
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('remove' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 3 }) }),
      // As many added at the end as removed at `at`: totalResults stays, the users after `at` move up.
      fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 3 }) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 2, max: 9 }),
        fc.array(fc.array(op, { maxLength: 2 }), { maxLength: 6 }),
        async (size, pageSize, changes) => {
          await emulator.admin.reset();
          const { ids } = await admin.add({ count: size });
          const removed = new Set<string>();
          let next = 1000;
          const { written } = await walk(pageSize, async (page) => {
            for (const change of changes[page - 1] ?? []) {
              const live = (await admin.users()).map((u) => u.id);
              if (change.kind === 'add') {
                await admin.add({ count: change.count, from: next, position: change.at % (live.length + 1) });
                next += change.count;
              } else {
                const gone = live.slice(change.at % Math.max(1, live.length)).slice(0, change.count);
                for (const id of gone) {
                  await admin.remove(id);
                  removed.add(id);
                }
                if (change.kind === 'swap' && gone.length > 0) {
                  await admin.add({ count: gone.length, from: next });
                  next += gone.length;
                }
              }
            }
          });
          expect(new Set(written).size).toBe(written.length);
          for (const id of ids) if (!removed.has(id)) expect(written.filter((w) => w === id)).toHaveLength(1);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('without changes reads each page once and never rewinds', async () => {
    const { ids } = await scimAdmin(emulator.url).add({ count: 35 });
    const { written, state } = await walk(10, () => Promise.resolve());
    expect(written).toEqual(ids);
    expect(state).toMatchObject({ pages: 4, rewinds: 0 });
  });
});
