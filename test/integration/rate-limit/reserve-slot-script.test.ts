import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { reserveSlot, type ReserveSlotKeys } from '../../../src/rate-limit/rate-limit-scripts.ts';
import { createTestRedis, deleteKeys, uniquePrefix } from '../../helpers/redis.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';

const WINDOW = 1000;

/** True when `t` can join `grants` (sorted): every grant `gap` ms away, no `limit + 1` of them within a window. */
function fits(grants: readonly number[], t: number, limit: number): boolean {
  const gap = Math.floor(WINDOW / limit);
  if (grants.some((p) => Math.abs(p - t) < gap)) return false;
  const all = [...grants, t].sort((a, b) => a - b);
  for (let i = 0; i + limit < all.length; i++) if (all[i + limit]! - all[i]! < WINDOW) return false;
  return true;
}

/** A log the script itself could have written: candidate offsets kept when they fit the ones kept before. */
function validLog(offsets: readonly number[], limit: number): number[] {
  const kept: number[] = [];
  for (const t of offsets) if (fits(kept, t, limit)) kept.push(t);
  return kept.sort((a, b) => a - b);
}

describe('reserve-slot-6.lua', () => {
  const prefix = uniquePrefix('slot');
  const redis: Redis = createTestRedis();
  closeAfterAll().defer(async () => {
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  let run = 0;
  function keysOf(): ReserveSlotKeys {
    const base = `${prefix}:{acct}:${String(++run)}`;
    return {
      coolDown: `${base}:cool`,
      classLog: `${base}:log`,
      endpointLog: `${base}:ep`,
      classHint: `${base}:log:hint`,
      endpointHint: `${base}:ep:hint`,
      learnedBudget: `${base}:learned`,
    };
  }

  it('grants the earliest time that keeps spacing and every window within the limit, read fully or counted', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.integer({ min: -1_500, max: 2_500 }), { maxLength: 30 }),
        async (limit, offsets) => {
          const keys = keysOf();
          // Offsets are relative to a time just before the script runs; the answer is checked against its own `now`.
          const base = Number((await redis.time())[0]) * 1000;
          const log = validLog(offsets, limit).map((o) => base + o);
          for (const [i, t] of log.entries()) await redis.zadd(keys.classLog, t, `seed-${String(i)}`);
          const reply = await reserveSlot(redis, keys, {
            classLimit: limit,
            endpointLimit: 0,
            windowMs: WINDOW,
            maxAheadMs: 60_000,
            member: 'probe',
            forget: '',
            growth: { firstStep: 0.1, doublingMs: 1000 },
          });
          expect(reply.granted).toBe(true);
          // Grants the script drops as too old (≤ now − 2 windows) cannot share a window with any t ≥ now.
          const live = log.filter((p) => p > reply.now - 2 * WINDOW);
          expect(reply.at).toBeGreaterThanOrEqual(reply.now);
          expect(fits(live, reply.at, limit)).toBe(true);
          for (let t = reply.now; t < reply.at; t++) expect(fits(live, t, limit), `${String(t)} also fits`).toBe(false);
        },
      ),
      { numRuns: 150 },
    );
  });
});
