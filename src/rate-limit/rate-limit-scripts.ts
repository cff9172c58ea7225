import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/** ioredis command names: namespaced, because the connection is shared with BullMQ and other modules. */
const RESERVE_SLOT = 'stripeBulkReserveSlot';
const EXTEND_COOL_DOWN = 'stripeBulkExtendCoolDown';

const RESERVE_SLOT_LUA = readFileSync(new URL('./reserve-slot-5.lua', import.meta.url), 'utf8');
const EXTEND_COOL_DOWN_LUA = readFileSync(new URL('./extend-cool-down-1.lua', import.meta.url), 'utf8');

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

type ScriptedRedis = Redis & {
  [RESERVE_SLOT](...keysThenArgv: (string | number)[]): Promise<[number, number, number]>;
  [EXTEND_COOL_DOWN](k1: string, ms: number): Promise<number>;
};

/**
 * Defines the scripts on a connection once. ioredis sends them with EVALSHA and falls back to EVAL on
 * NOSCRIPT, so they survive a Redis restart or SCRIPT FLUSH.
 */
function scripted(redis: Redis): ScriptedRedis {
  const r = redis as ScriptedRedis;
  if (typeof (r as Partial<ScriptedRedis>)[RESERVE_SLOT] !== 'function') {
    redis.defineCommand(RESERVE_SLOT, { lua: RESERVE_SLOT_LUA, numberOfKeys: 5 });
  }
  if (typeof (r as Partial<ScriptedRedis>)[EXTEND_COOL_DOWN] !== 'function') {
    redis.defineCommand(EXTEND_COOL_DOWN, { lua: EXTEND_COOL_DOWN_LUA, numberOfKeys: 1 });
  }
  return r;
}

/** One atomic round-trip: reserve the earliest send time for a request in both its buckets. */
export async function reserveSlot(redis: Redis, keys: ReserveSlotKeys, args: ReserveSlotArgs): Promise<SlotReservation> {
  const [granted, at, now] = await scripted(redis)[RESERVE_SLOT](
    keys.coolDown,
    keys.classLog,
    keys.endpointLog,
    keys.classHint,
    keys.endpointHint,
    args.classLimit,
    args.endpointLimit,
    Math.round(args.windowMs),
    Math.round(args.maxAheadMs),
    args.member,
    args.forget,
  );
  return { granted: granted === 1, at, now };
}

/** Extends the account's shared cool-down to now + ms (never shortens it); returns its end (Redis clock). */
export async function extendCoolDown(redis: Redis, key: string, ms: number): Promise<number> {
  return scripted(redis)[EXTEND_COOL_DOWN](key, Math.max(1, Math.ceil(ms)));
}
