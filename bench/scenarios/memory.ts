import { LIVE_LIMITS, NO_LIMITS, UNLIMITED_RPS } from '../lib/bench-emulator.ts';
import type { BenchContext } from '../lib/context.ts';
import { runImports } from '../lib/import-runner.ts';
import { itemAt, percent, round, thousands } from '../lib/numbers.ts';
import { peakRssMb, rssMb } from '../lib/proc-stats.ts';
import type { ScenarioResult, TableRow } from '../lib/report.ts';
import { withWorkerGroup, type WorkerGroup } from '../lib/worker-group.ts';

const RSS_UNLIMITED_TARGET_MB = 200;
const RSS_LIVE_TARGET_MB = 150;
const LIVE_RPS = 100;
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

interface ImportMemory {
  rows: number;
  processed: number;
  seconds: number;
  stopped: boolean;
  idleMb: number;
  peakMb: number;
  samples: number[];
}

/** A dry-run import of `count` generated rows by the group's one process, cancelled after `budgetMs`: its RSS over the job. */
async function measureImport(ctx: BenchContext, group: WorkerGroup, count: number, budgetMs: number): Promise<ImportMemory> {
  const pid = itemAt(group.pool.pids, 0);
  group.pool.resetPeakRss();
  const idleMb = rssMb(pid);
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
  return { rows: count, processed: run.counts.processed, seconds: run.seconds, stopped: run.stopped, idleMb, peakMb: peakRssMb(pid), samples: sampler.samples };
}

function row(label: string, m: ImportMemory, targetMb: number): TableRow {
  const stopped = m.stopped ? `, stopped after ${round(m.seconds, 0)} s at ${thousands(m.processed)} rows (whole file counted)` : '';
  return {
    scenario: label,
    figure: `peak RSS ${round(m.peakMb, 0)} MB (idle ${round(m.idleMb, 0)} MB); ${thousands(m.processed / m.seconds)} rows/s${stopped}`,
    ratio: `${percent(m.peakMb / targetMb)} of ${targetMb} MB`,
    target: `≤ ${targetMb} MB`,
    met: m.peakMb <= targetMb,
  };
}

/**
 * Scenario 5, import side (the export side is in export-capacity.ts): peak RSS (VmHWM, the kernel's own peak) of a
 * fresh worker process importing a million-row CSV in dry run against an empty emulator, once with no latency and no
 * limits (as fast as the code goes: the worst case for garbage) and once at the live ceiling (100 reads/s,
 * 150 ± 50 ms). A run slower than its time budget is cancelled: its count pass has read the whole file, and the RSS
 * samples show whether memory grows with the rows done.
 */
export async function memoryScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const count = ctx.quick ? 100_000 : 1_000_000;
  const unlimited = await withWorkerGroup(ctx, 'memory', { emulator: NO_LIMITS, processes: 1, readRps: UNLIMITED_RPS, writeRps: UNLIMITED_RPS }, (g) => {
    ctx.log(`  dry-run import of a ${thousands(count)}-row CSV, no limits`);
    return measureImport(ctx, g, count, ctx.quick ? 10_000 : 45_000);
  });
  const live = await withWorkerGroup(ctx, 'memory-live', { emulator: LIVE_LIMITS, processes: 1, readRps: LIVE_RPS, writeRps: LIVE_RPS }, (g) => {
    ctx.log(`  dry-run import of a ${thousands(count)}-row CSV at the live ceiling`);
    return measureImport(ctx, g, count, ctx.quick ? 10_000 : 30_000);
  });
  const label = ctx.quick ? ` (--quick: ${thousands(count)}, full run: 1,000,000)` : '';
  return {
    id: 'memory',
    title: 'Memory, import side',
    rows: [
      row(`5. Memory: dry-run import of ${thousands(count)} rows, no limits${label}`, unlimited, RSS_UNLIMITED_TARGET_MB),
      row(`5. Memory: dry-run import of ${thousands(count)} rows at the live ceiling${label}`, live, RSS_LIVE_TARGET_MB),
    ],
    details: { unlimited, live, settings: { unlimited: NO_LIMITS, live: LIVE_LIMITS, live_rps: LIVE_RPS, processes: 1 } },
  };
}
