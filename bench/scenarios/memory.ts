import type { BenchContext } from '../lib/context.ts';
import { seedUniform } from '../lib/customer-population.ts';
import { runExport } from '../lib/export-runner.ts';
import { runImports } from '../lib/import-runner.ts';
import { itemAt, percent, round, thousands } from '../lib/numbers.ts';
import { peakRssMb, rssMb } from '../lib/proc-stats.ts';
import type { ScenarioResult } from '../lib/report.ts';
import type { WorkerGroup } from '../lib/worker-group.ts';

const RSS_TARGET_MB = 150;
const RSS_SAMPLE_MS = 2_000;

/** RSS samples of one process over a job, to show whether memory is flat or grows with the rows done. */
function rssSampler(pid: number): { poll: () => void; samples: number[] } {
  const samples: number[] = [];
  let last = 0;
  return {
    samples,
    poll() {
      if (performance.now() - last < RSS_SAMPLE_MS) return;
      last = performance.now();
      samples.push(round(rssMb(pid), 0));
    },
  };
}

/** A dry-run import of `count` generated rows by process `pid`, cancelled after `budgetMs`: its RSS over the job. */
async function measureImport(ctx: BenchContext, group: WorkerGroup, pid: number, count: number, budgetMs: number) {
  ctx.log(`  dry-run import of a ${thousands(count)}-row CSV (stopped after ${budgetMs / 1000} s if not done)`);
  const idle = rssMb(pid);
  const sampler = rssSampler(pid);
  const run = await runImports(ctx.redis, {
    prefix: group.prefix,
    dataDir: group.dataDir,
    files: [{ count, rowAt: (i) => ({ email: `mem.user${i}@example.com`, name: `Customer ${i}` }) }],
    dryRun: true,
    timeoutMs: budgetMs + 120_000,
    stopAfterMs: budgetMs,
    onPoll: sampler.poll,
  });
  return { run, idle, peak: peakRssMb(pid), samples: sampler.samples };
}

/** An export of `count` seeded customers by process `pid`, its peak reset first: its RSS over the job. */
async function measureExport(ctx: BenchContext, group: WorkerGroup, pid: number, count: number) {
  await seedUniform(group.emulator, count);
  ctx.log(`  export of ${thousands(count)} customers`);
  group.pool.resetPeakRss();
  const idle = rssMb(pid);
  const sampler = rssSampler(pid);
  const run = await runExport(ctx.redis, { prefix: group.prefix, timeoutMs: 900_000, onPoll: sampler.poll });
  return { run, idle, peak: peakRssMb(pid), samples: sampler.samples };
}

/**
 * Scenario 5: peak RSS (VmHWM, the kernel's own peak) of a fresh worker process importing a million-row CSV in
 * dry run against an empty emulator, then (peak reset to the current RSS) exporting a million customers. No
 * latency, no limits, so the job goes as fast as the code can (the worst case for buffers). An import slower
 * than the time budget is cancelled after it: its count pass has read the whole file, and the RSS samples show
 * whether memory grows with the rows done.
 */
export async function memoryScenario(ctx: BenchContext, group: WorkerGroup): Promise<ScenarioResult> {
  const count = ctx.quick ? 100_000 : 1_000_000;
  const pid = itemAt(group.pool.pids, 0);
  const imported = await measureImport(ctx, group, pid, count, ctx.quick ? 10_000 : 45_000);
  const exported = await measureExport(ctx, group, pid, count);
  return memoryResult(ctx, count, imported, exported);
}

function memoryResult(
  ctx: BenchContext,
  count: number,
  imported: Awaited<ReturnType<typeof measureImport>>,
  exported: Awaited<ReturnType<typeof measureExport>>,
): ScenarioResult {
  const processed = imported.run.counts.processed;
  const importNote = imported.run.stopped
    ? `, stopped after ${round(imported.run.seconds, 0)} s at ${thousands(processed)} rows (whole file counted)`
    : '';
  const label = ctx.quick ? ` (--quick: ${thousands(count)}, full run: 1,000,000)` : '';
  return {
    id: 'memory',
    title: 'Memory',
    rows: [
      {
        scenario: `5. Memory: dry-run import of ${thousands(count)} rows${label}`,
        figure: `peak RSS ${round(imported.peak, 0)} MB (idle ${round(imported.idle, 0)} MB)${importNote}`,
        ratio: `${percent(imported.peak / RSS_TARGET_MB)} of ${RSS_TARGET_MB} MB`,
        target: `≤ ${RSS_TARGET_MB} MB`,
        met: imported.peak <= RSS_TARGET_MB,
      },
      {
        scenario: `5. Memory: export of ${thousands(count)} customers${label}`,
        figure: `peak RSS ${round(exported.peak, 0)} MB (${round(exported.idle, 0)} MB before); ${thousands(exported.run.customers / exported.run.seconds)} customers/s`,
        ratio: `${percent(exported.peak / RSS_TARGET_MB)} of ${RSS_TARGET_MB} MB`,
        target: `≤ ${RSS_TARGET_MB} MB`,
        met: exported.peak <= RSS_TARGET_MB && exported.run.customers === count,
      },
    ],
    details: {
      rows_in_file: count,
      import: {
        rows_processed: processed,
        stopped_early: imported.run.stopped,
        seconds: round(imported.run.seconds, 1),
        rows_per_s: round(processed / imported.run.seconds),
        counts: imported.run.counts,
        idle_rss_mb: round(imported.idle, 0),
        peak_rss_mb: round(imported.peak, 0),
        rss_samples_mb_every_2s: imported.samples,
      },
      export: {
        customers: exported.run.customers,
        pages: exported.run.pages,
        seconds: round(exported.run.seconds, 1),
        file_bytes: exported.run.fileBytes,
        rss_before_mb: round(exported.idle, 0),
        peak_rss_mb: round(exported.peak, 0),
        rss_samples_mb_every_2s: exported.samples,
      },
    },
  };
}
