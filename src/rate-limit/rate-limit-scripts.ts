import type { Redis } from 'ioredis';
import { loadLuaScript, runLuaScript } from '../redis-scripts.ts';

const RESERVE_SLOT = loadLuaScript(new URL('./reserve-slot-6.lua', import.meta.url));
const LOWER_BUDGET = loadLuaScript(new URL('./lower-budget-5.lua', import.meta.url));
const EXTEND_COOL_DOWN = loadLuaScript(new URL('./extend-cool-down-1.lua', import.meta.url));

/** The keys one reservation touches; all of one account, under one hash tag (one Redis Cluster slot). */
export interface ReserveSlotKeys {
  coolDown: string;
  classLog: string;
  endpointLog: string;
  classHint: string;
  endpointHint: string;
  learnedBudget: string;
}

/** How the learned budget grows back (see learned-budget.ts). */
export interface Growth {
  firstStep: number;
  doublingMs: number;
}

/** What reserve-slot-6.lua was asked: limits are grants per window, 0 meaning "no such bucket". */
export interface ReserveSlotArgs {
  classLimit: number;
  endpointLimit: number;
  windowMs: number;
  maxAheadMs: number;
  member: string;
  /** The member of an earlier, unused grant to forget ('' for none). */
  forget: string;
  growth: Growth;
}

/** The class budget in force when a script ran: rps × 100, and when it was last lowered (0: never). */
export interface BudgetReply {
  budgetHundredths: number;
  epoch: number;
}

/**
 * The script's answer, times in ms on the Redis clock. `granted` false means nothing was recorded:
 * `at` is then the earliest possible slot (beyond maxAheadMs), or -1 when the search gave up.
 */
export interface SlotReservation extends BudgetReply {
  granted: boolean;
  at: number;
  now: number;
}

/** One atomic round-trip: reserve the earliest send time for a request in both its buckets. */
export async function reserveSlot(redis: Redis, keys: ReserveSlotKeys, args: ReserveSlotArgs): Promise<SlotReservation> {
  const reply = await runLuaScript(
    redis,
    RESERVE_SLOT,
    [keys.coolDown, keys.classLog, keys.endpointLog, keys.classHint, keys.endpointHint, keys.learnedBudget],
    [
      args.classLimit,
      args.endpointLimit,
      Math.round(args.windowMs),
      Math.round(args.maxAheadMs),
      args.member,
      args.forget,
      args.growth.firstStep,
      Math.round(args.growth.doublingMs),
    ],
  );
  const [granted, at, now, budgetHundredths, epoch] = reply as [number, number, number, number, number];
  return { granted: granted === 1, at, now, budgetHundredths, epoch };
}

/** What lower-budget-5.lua is told about a refused grant. */
export interface LowerBudgetArgs {
  configuredLimit: number;
  growth: Growth;
  minRps: number;
  /** The factor when the count of grants cannot tell a lower limit from a late arrival (see the script). */
  unclearFactor: number;
  /** The largest cut one 429 makes, as the share of the budget kept (see the script). */
  maxCut: number;
  stripeWindowMs: number;
  member: string;
  sentAt: number;
  epoch: number;
}

/** After a 429: removes the refused grant from the logs and lowers the class budget (once per epoch). */
export async function lowerBudget(
  redis: Redis,
  keys: Omit<ReserveSlotKeys, 'coolDown'>,
  args: LowerBudgetArgs,
): Promise<BudgetReply & { lowered: boolean }> {
  const reply = await runLuaScript(
    redis,
    LOWER_BUDGET,
    [keys.learnedBudget, keys.classLog, keys.endpointLog, keys.classHint, keys.endpointHint],
    [
      args.configuredLimit,
      args.growth.firstStep,
      Math.round(args.growth.doublingMs),
      args.minRps,
      args.stripeWindowMs,
      args.member,
      args.sentAt,
      args.epoch,
      args.unclearFactor,
      args.maxCut,
    ],
  );
  const [lowered, budgetHundredths, epoch] = reply as [number, number, number];
  return { lowered: lowered === 1, budgetHundredths, epoch };
}

/** Extends the account's shared cool-down to now + ms (never shortens it); returns its end (Redis clock). */
export async function extendCoolDown(redis: Redis, key: string, ms: number): Promise<number> {
  return (await runLuaScript(redis, EXTEND_COOL_DOWN, [key], [Math.max(1, Math.ceil(ms))])) as number;
}
