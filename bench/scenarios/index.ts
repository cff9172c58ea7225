import { LIVE_LIMITS, NO_LIMITS, UNLIMITED_RPS } from '../lib/bench-emulator.ts';
import type { BenchContext } from '../lib/context.ts';
import type { ScenarioResult } from '../lib/report.ts';
import { withWorkerGroup } from '../lib/worker-group.ts';
import { DELETION_CEILING, deletionCeilingScenario } from './deletion-ceiling.ts';
import { auditWalkScenario } from './audit-walk.ts';
import { dedupeScanScenario } from './dedupe-scan.ts';
import { endpointDefaultScenario } from './endpoint-default.ts';
import { exportCapacityScenario } from './export-capacity.ts';
import { exportCeilingScenario } from './export-ceiling.ts';
import { IMPORT_CEILING, importCeilingScenario, PROCESS_COUNTS } from './import-ceiling.ts';
import { importHeadroomScenario } from './import-headroom.ts';
import { importOverlapScenario, OVERLAP_PROCESSES } from './import-overlap.ts';
import { learnedBudgetScenario } from './learned-budget.ts';
import { memoryScenario } from './memory.ts';
import { userLoopsScenario } from './user-loops.ts';

/**
 * Scenarios 1–3 share one emulator at the live limits (our import and the users' loops meet the same server) and
 * one pool of worker processes configured for it.
 */
function liveGroup(ctx: BenchContext, which: { import: boolean; export: boolean }): Promise<ScenarioResult[]> {
  const processes = which.import ? Math.max(...PROCESS_COUNTS) : 1;
  const limits = { emulator: LIVE_LIMITS, processes, readRps: IMPORT_CEILING, writeRps: IMPORT_CEILING };
  return withWorkerGroup(ctx, 'live', limits, async (group) => {
    const results: ScenarioResult[] = [];
    if (which.import) {
      const ours = await importCeilingScenario(ctx, group);
      results.push(ours.result, await userLoopsScenario(ctx, group.emulator, ours.oneProcessRowsPerS));
    }
    if (which.export) results.push(await exportCeilingScenario(ctx, group));
    return results;
  });
}

/** The scenario groups `--only` selects; `run` gets the whole selection so groups that share processes stay together. */
export const SCENARIO_IDS = ['import', 'export', 'memory', 'endpoint', 'overlap', 'import-headroom', 'export-capacity', 'learned', 'deletion', 'audit', 'dedupe'] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** Runs of the selection, in order: each entry is one group with its own emulator and worker processes. */
export function planRuns(only: readonly ScenarioId[]): { title: string; run: (ctx: BenchContext) => Promise<ScenarioResult[]> }[] {
  const has = (id: ScenarioId) => only.includes(id);
  const plan: { title: string; run: (ctx: BenchContext) => Promise<ScenarioResult[]> }[] = [];
  if (has('import') || has('export')) {
    plan.push({
      title: [has('import') ? 'Scenarios 1-2: import at the live ceiling, and what users write instead' : '', has('export') ? 'Scenario 3: export at the live ceiling' : '']
        .filter(Boolean)
        .join('; '),
      run: (ctx) => liveGroup(ctx, { import: has('import'), export: has('export') }),
    });
  }
  if (has('memory')) plan.push({ title: 'Scenario 5: memory, import side', run: async (ctx) => [await memoryScenario(ctx)] });
  if (has('overlap')) plan.push({ title: 'Scenario 1b: import against the data-derived ceiling', run: (ctx) => withWorkerGroup(ctx, 'overlap', { emulator: LIVE_LIMITS, processes: OVERLAP_PROCESSES, readRps: 100, writeRps: 100 }, async (g) => [await importOverlapScenario(ctx, g)]) });
  if (has('import-headroom')) plan.push({ title: 'Scenario 4b: import headroom', run: (ctx) => withWorkerGroup(ctx, 'import-headroom', { emulator: NO_LIMITS, processes: 1, readRps: UNLIMITED_RPS, writeRps: UNLIMITED_RPS }, async (g) => [await importHeadroomScenario(ctx, g)]) });
  if (has('export-capacity')) plan.push({ title: 'Scenarios 4-5, export side: headroom and memory', run: async (ctx) => [await exportCapacityScenario(ctx)] });
  if (has('learned')) plan.push({ title: 'Scenario 7: Stripe allows less than configured', run: async (ctx) => [await learnedBudgetScenario(ctx)] });
  if (has('deletion')) plan.push({ title: 'Scenario 8: deletion at the live write ceiling', run: (ctx) => withWorkerGroup(ctx, 'deletion', { emulator: LIVE_LIMITS, processes: 1, readRps: DELETION_CEILING, writeRps: DELETION_CEILING }, async (g) => [await deletionCeilingScenario(ctx, g)]) });
  if (has('audit')) plan.push({ title: 'Scenario 8: duplicate audit walk at the live read ceiling', run: async (ctx) => [await auditWalkScenario(ctx)] });
  if (has('dedupe')) plan.push({ title: 'Scenario 9: dedupe=lookup vs dedupe=scan', run: async (ctx) => [await dedupeScanScenario(ctx)] });
  if (has('endpoint')) plan.push({ title: "Scenario 6: Stripe's per-endpoint default", run: async (ctx) => [await endpointDefaultScenario(ctx)] });
  return plan;
}
