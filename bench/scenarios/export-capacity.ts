import { LIVE_LIMITS, NO_LIMITS, UNLIMITED_RPS } from '../lib/bench-emulator.ts';
import { runsOf, type BenchContext } from '../lib/context.ts';
import { seedPopulation, seedUniform } from '../lib/customer-population.ts';
import { runExport } from '../lib/export-runner.ts';
import { median, percent, round, thousands } from '../lib/numbers.ts';
import { peakRssMb, rssMb } from '../lib/proc-stats.ts';
import type { ScenarioResult } from '../lib/report.ts';
import { withWorkerGroup, type WorkerGroup } from '../lib/worker-group.ts';

const HEADROOM_TARGET = 40_000;
const LIVE_EXPORT_CEILING = 10_000;
const RSS_UNLIMITED_TARGET_MB = 200;
const RSS_LIVE_TARGET_MB = 150;

interface Measured {
  customers: number;
  seconds: number;
  cpuMs: number;
  idleMb: number;
  peakMb: number;
}

/** One export on the group's single worker process, with its CPU time and peak RSS (VmHWM) above the process's idle RSS. */
async function measure(ctx: BenchContext, group: WorkerGroup): Promise<Measured> {
  const pid = group.pool.pids[0];
  if (pid === undefined) throw new Error('the group has no worker process');
  group.pool.resetPeakRss();
  const idleMb = rssMb(pid);
  const cpuBefore = group.pool.cpuMs()[0] ?? 0;
  const run = await runExport(ctx.redis, { prefix: group.prefix, timeoutMs: 900_000 });
  return { customers: run.customers, seconds: run.seconds, cpuMs: (group.pool.cpuMs()[0] ?? 0) - cpuBefore, idleMb, peakMb: peakRssMb(pid) };
}

/** Fresh worker processes for each measure: a peak must not include the heap an earlier job left. */
function onFreshWorker(ctx: BenchContext, name: string, live: boolean, body: (group: WorkerGroup) => Promise<Measured>): Promise<Measured> {
  const rps = live ? LIVE_EXPORT_CEILING / 100 : UNLIMITED_RPS;
  return withWorkerGroup(ctx, name, { emulator: live ? LIVE_LIMITS : NO_LIMITS, processes: 1, readRps: rps, writeRps: rps }, body);
}

/**
 * Scenario 4–5, export side (issue 13): what one worker process can do exporting, each measure on a fresh process.
 * - headroom: 100,000 customers (the realistic population with bursts), no latency, no limits: customers/s and CPU
 *   per customer (median of 3 runs);
 * - memory: peak RSS exporting 1,000,000 customers with no limits, and 100,000 at the live ceiling (100 reads/s,
 *   150 ± 50 ms).
 */
export async function exportCapacityScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const headroomCount = ctx.quick ? 20_000 : 100_000;
  const memoryCount = ctx.quick ? 100_000 : 1_000_000;
  const runs = runsOf(ctx);
  const headroom: Measured[] = [];
  for (let run = 1; run <= runs; run++) {
    ctx.log(`  export headroom run ${run}/${runs}: ${thousands(headroomCount)} customers, no latency, no limits`);
    headroom.push(await onFreshWorker(ctx, 'export-headroom', false, async (group) => {
      await seedPopulation(group.emulator, headroomCount);
      return measure(ctx, group);
    }));
  }
  ctx.log(`  export memory: ${thousands(memoryCount)} customers, no limits`);
  const unlimited = await onFreshWorker(ctx, 'export-memory', false, async (group) => {
    await seedUniform(group.emulator, memoryCount);
    return measure(ctx, group);
  });
  ctx.log(`  export memory at the live ceiling: ${thousands(headroomCount)} customers`);
  const live = await onFreshWorker(ctx, 'export-memory-live', true, async (group) => {
    await seedPopulation(group.emulator, headroomCount);
    return measure(ctx, group);
  });
  return summarise(ctx, { headroom, unlimited, live, headroomCount, memoryCount });
}

function summarise(
  ctx: BenchContext,
  m: { headroom: Measured[]; unlimited: Measured; live: Measured; headroomCount: number; memoryCount: number },
): ScenarioResult {
  const rates = m.headroom.map((h) => h.customers / h.seconds);
  const rate = median(rates);
  const cpuPerCustomerUs = median(m.headroom.map((h) => (h.cpuMs / h.customers) * 1000));
  const label = ctx.quick ? ' (--quick)' : '';
  const rss = (x: Measured) => `peak RSS ${round(x.peakMb, 0)} MB (idle ${round(x.idleMb, 0)} MB); ${thousands(x.customers / x.seconds)} customers/s`;
  return {
    id: 'export-capacity',
    title: 'Export headroom and memory, fresh worker processes',
    rows: [
      {
        scenario: `4. Headroom: export ${thousands(m.headroomCount)} customers, 1 process, no latency/limits${label}`,
        figure: `${thousands(rate)} customers/s${rates.length > 1 ? ` (median of ${rates.length})` : ''}; worker CPU ${round(cpuPerCustomerUs, 1)} µs/customer`,
        ratio: `${round(rate / LIVE_EXPORT_CEILING, 1)}× the live ceiling; ${percent(rate / HEADROOM_TARGET)} of target`,
        target: `≥ ${thousands(HEADROOM_TARGET)} customers/s`,
        met: rate >= HEADROOM_TARGET && m.headroom.every((h) => h.customers === m.headroomCount),
      },
      {
        scenario: `5. Memory: export ${thousands(m.memoryCount)} customers, no limits${label}`,
        figure: rss(m.unlimited),
        ratio: `${percent(m.unlimited.peakMb / RSS_UNLIMITED_TARGET_MB)} of ${RSS_UNLIMITED_TARGET_MB} MB`,
        target: `≤ ${RSS_UNLIMITED_TARGET_MB} MB`,
        met: m.unlimited.peakMb <= RSS_UNLIMITED_TARGET_MB && m.unlimited.customers === m.memoryCount,
      },
      {
        scenario: `5. Memory: export ${thousands(m.headroomCount)} customers at the live ceiling${label}`,
        figure: rss(m.live),
        ratio: `${percent(m.live.peakMb / RSS_LIVE_TARGET_MB)} of ${RSS_LIVE_TARGET_MB} MB`,
        target: `≤ ${RSS_LIVE_TARGET_MB} MB`,
        met: m.live.peakMb <= RSS_LIVE_TARGET_MB && m.live.customers === m.headroomCount,
      },
    ],
    details: {
      headroom_runs: m.headroom.map((h) => ({ ...h, customers_per_s: round(h.customers / h.seconds), cpu_us_per_customer: round((h.cpuMs / h.customers) * 1000, 1) })),
      memory_unlimited: m.unlimited,
      memory_live: m.live,
      settings: { unlimited: NO_LIMITS, live: LIVE_LIMITS, processes: 1 },
    },
  };
}
