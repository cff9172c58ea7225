import { join } from 'node:path';
import { runsOf, type BenchContext } from '../lib/context.ts';
import { seedPopulation } from '../lib/customer-population.ts';
import { autoPaginationExport, runExport, type ExportRun } from '../lib/export-runner.ts';
import { median, percent, round, thousands } from '../lib/numbers.ts';
import type { ScenarioResult } from '../lib/report.ts';
import type { WorkerGroup } from '../lib/worker-group.ts';

/** 100 list pages per second (the live read limit) of 100 customers each. */
const EXPORT_CEILING = 100 * 100;
/** Issue 13: 92% of the ceiling (the README explains where the rest goes). */
const TARGET = 0.92;

/**
 * Scenario 3: export every customer (a realistic two-year population with bursts) on one worker process at the
 * live read limit, against stripe-node auto-pagination writing CSV in the same run (sequential, so measured for a
 * bounded time). customers/s ÷ 10,000. Runs on one of the live group's worker processes (one job at a time).
 */
export async function exportCeilingScenario(ctx: BenchContext, group: WorkerGroup): Promise<ScenarioResult> {
  const { emulator, prefix } = group;
  const count = ctx.quick ? 20_000 : 100_000;
  const runs = runsOf(ctx);
  const autoSeconds = ctx.quick ? 4 : 10;
  await emulator.reset();
  await seedPopulation(emulator, count);
  const exports: (ExportRun & { rate_limited: number; max_reads_in_one_second: number })[] = [];
  for (let run = 1; run <= runs; run++) {
    await emulator.resetStats();
    const outcome = await runExport(ctx.redis, { prefix, timeoutMs: 600_000 });
    const stats = await emulator.stats();
    exports.push({ ...outcome, rate_limited: stats.rate_limited, max_reads_in_one_second: stats.max_reads_in_one_second });
    ctx.log(`  export run ${run}/${runs}: ${thousands(outcome.customers / outcome.seconds)} customers/s, 429s ${stats.rate_limited}`);
  }
  await emulator.resetStats();
  ctx.log(`  stripe-node auto-pagination for ${autoSeconds} s`);
  const auto = await autoPaginationExport(emulator.client(0), { path: join(ctx.workDir, 'auto-pagination.csv'), seconds: autoSeconds });
  const autoRate = auto.customers / auto.seconds;
  const rates = exports.map((e) => e.customers / e.seconds);
  const rate = median(rates);
  const rateLimited = exports.reduce((n, e) => n + e.rate_limited, 0);
  const complete = exports.every((e) => e.customers === count);
  return {
    id: 'export-ceiling',
    title: 'Export at the live ceiling',
    rows: [
      {
        scenario: `3. Export ${thousands(count)} customers, 1 worker process`,
        figure: `${thousands(rate)} customers/s${runs > 1 ? ` (median of ${runs})` : ''}, ${thousands(count / rate)} s; ${rateLimited} 429s`,
        ratio: `${percent(rate / EXPORT_CEILING)} of ${thousands(EXPORT_CEILING)} customers/s`,
        target: `≥ ${percent(TARGET)}`,
        met: rate / EXPORT_CEILING >= TARGET && complete,
      },
      {
        scenario: `3. stripe-node auto-pagination (measured ${autoSeconds} s, extrapolated)`,
        figure: `${thousands(autoRate)} customers/s → ${thousands(count / autoRate)} s for ${thousands(count)}`,
        ratio: `${percent(autoRate / EXPORT_CEILING)} of ${thousands(EXPORT_CEILING)}/s; ours is ${round(rate / autoRate, 1)}× faster`,
        target: '',
        met: null,
      },
    ],
    details: {
      customers: count,
      ceiling_customers_per_s: EXPORT_CEILING,
      emulator: emulator.options,
      runs: exports.map((e) => ({ ...e, seconds: round(e.seconds, 2), customers_per_s: round(e.customers / e.seconds) })),
      auto_pagination: { customers: auto.customers, seconds: round(auto.seconds, 1), customers_per_s: round(autoRate), speed_up_ours: round(rate / autoRate, 1) },
    },
  };
}
