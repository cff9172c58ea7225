import type { LearnedBudgets, RequestKind } from './rate-limiter.ts';

/**
 * How the shared limiter learns what Stripe allows (lower-budget-5.lua lowers, reserve-slot-6.lua grows back).
 *
 * Decrease: to the rate Stripe admitted from us in the second before the first refused request. A sliding-second
 * limit refuses exactly when that second holds the limit, so the count is the limit (or our share of it, when other
 * systems use the account): the budget lands on the limit, where halving (AIMD) lands anywhere between half of it
 * and all of it (20/s: 100 → 50 → 25 → 12.5) and then averages three quarters of it. Two guards:
 * - one 429 never more than halves the budget: a count from a second in which we barely sent (another system's
 *   burst) says little, and when the limit really is lower the next 429 follows within milliseconds (Stripe
 *   refuses at once) and cuts again: 100/s → 50/s → 25/s;
 * - a count of B − 1 or more (what evenly spaced grants at the full budget B always show) cannot tell a limit just
 *   below B from a request that reached Stripe late (a cold connection, a slow event loop): then the budget is
 *   only multiplied by 0.95, gentle enough for jitter and repeated until a real limit just below B is found.
 *
 * Increase: the budget grows by `rps × GROWTH_FIRST_STEP × (2^(t / GROWTH_DOUBLING_MS) − 1)` after the last 429,
 * slowly near the rate that drew it and faster the longer Stripe stays quiet. With these constants the first 4%
 * (the limiter's 40 ms window margin: where 429s start again) takes ~4 s, so a steady limit costs one probe and one
 * or two 429s per ~4 s; ×3.8 (25/s back to 95/s) takes ~18 s, so a restored limit is in use well within 30 s (a
 * first run with a 3 s doubling took 29 s in the benchmark: too close). Additive increase (AIMD) has one step for
 * both: 3 rps a second recovers 25/s → 95/s in 23 s, but passes 4% above a steady 25/s limit a third of a second
 * after each 429, so it would probe (and draw 429s) about ten times as often.
 */
export const LEARNING = {
  /** The first step of the growth, as a share of the learned rps. */
  growthFirstStep: 0.02,
  /** The growth step doubles this often (ms). */
  growthDoublingMs: 2_500,
  /** The budget never goes below this (rps): a request a second keeps learning whether Stripe recovered. */
  minRps: 1,
  /** The decrease when the 429 may be a late arrival rather than a lower limit. */
  unclearFactor: 0.95,
  /** One 429 keeps at least this share of the budget. */
  maxCut: 0.5,
} as const;

/** Options of the growth, replaceable in tests that cannot wait ~20 s for a recovery. */
export interface LearningOptions {
  growthFirstStep?: number;
  growthDoublingMs?: number;
  minRps?: number;
  unclearFactor?: number;
  maxCut?: number;
}

/** This process's view of the learned budgets: what the latest reply of either script said, per class. */
export interface BudgetView {
  /** Records a reply: the budget in force (rps × 100, as the scripts send it) and its epoch. */
  heard(kind: RequestKind, budgetHundredths: number, epoch: number): void;
  /** The epoch last heard of for `kind` (0 until a 429 lowered it). */
  epoch(kind: RequestKind): number;
  budgets(): LearnedBudgets;
}

/** Starts at the configured budgets; `onChange` runs whenever a class's budget changes (the /metrics gauge). */
export function createBudgetView(
  configured: LearnedBudgets,
  onChange?: (kind: RequestKind, rps: number) => void,
): BudgetView {
  const current: LearnedBudgets = { ...configured };
  const epochs: Record<RequestKind, number> = { read: 0, write: 0, search: 0 };
  if (onChange) for (const kind of Object.keys(current) as RequestKind[]) onChange(kind, current[kind]);
  return {
    heard(kind, budgetHundredths, epoch) {
      // The latest reply wins, not the largest epoch: a budget that grew back fully is forgotten (epoch 0).
      epochs[kind] = epoch;
      const rps = budgetHundredths / 100;
      if (rps === current[kind]) return;
      current[kind] = rps;
      onChange?.(kind, rps);
    },
    epoch: (kind) => epochs[kind],
    budgets: () => ({ ...current }),
  };
}
