import type { Redis } from 'ioredis';
import { loadLuaScript, runLuaScript } from '../redis-scripts.ts';

const RESERVE_SLOT = loadLuaScript(new URL('./reserve-slot-5.lua', import.meta.url));
const EXTEND_COOL_DOWN = loadLuaScript(new URL('./extend-cool-down-1.lua', import.meta.url));

/** The keys one reservation touches; all of one account, under one hash tag (one Redis Cluster slot). */
export interface ReserveSlotKeys {
  coolDown: string;
  classLog: string;
  endpointLog: string;
  classHint: string;
  endpointHint: string;
}

/** What reserve-slot-5.lua was asked: limits are grants per window, 0 meaning "no such bucket". */
export interface ReserveSlotArgs {
  classLimit: number;
  endpointLimit: number;
  windowMs: number;
  maxAheadMs: number;
  member: string;
  /** The member of an earlier, unused grant to forget ('' for none). */
  forget: string;
}

/**
 * The script's answer, times in ms on the Redis clock. `granted` false means nothing was recorded:
 * `at` is then the earliest possible slot (beyond maxAheadMs), or -1 when the search gave up.
 */
export interface SlotReservation {
  granted: boolean;
  at: number;
  now: number;
}

/** One atomic round-trip: reserve the earliest send time for a request in both its buckets. */
export async function reserveSlot(redis: Redis, keys: ReserveSlotKeys, args: ReserveSlotArgs): Promise<SlotReservation> {
  const reply = await runLuaScript(
    redis,
    RESERVE_SLOT,
    [keys.coolDown, keys.classLog, keys.endpointLog, keys.classHint, keys.endpointHint],
    [
      args.classLimit,
      args.endpointLimit,
      Math.round(args.windowMs),
      Math.round(args.maxAheadMs),
      args.member,
      args.forget,
    ],
  );
  const [granted, at, now] = reply as [number, number, number];
  return { granted: granted === 1, at, now };
}

/** Extends the account's shared cool-down to now + ms (never shortens it); returns its end (Redis clock). */
export async function extendCoolDown(redis: Redis, key: string, ms: number): Promise<number> {
  return (await runLuaScript(redis, EXTEND_COOL_DOWN, [key], [Math.max(1, Math.ceil(ms))])) as number;
}
