import { NO_LIMITS } from '../lib/bench-emulator.ts';
import type { BenchContext } from '../lib/context.ts';
import { seedPopulation } from '../lib/customer-population.ts';
import { runExport } from '../lib/export-runner.ts';
import { buildRows } from '../lib/import-rows.ts';
import { importFileOf, runImports } from '../lib/import-runner.ts';
import { itemAt, percent, round, thousands } from '../lib/numbers.ts';
import { ownCpuMs } from '../lib/proc-stats.ts';
import type { ScenarioResult } from '../lib/report.ts';
import type { WorkerGroup } from '../lib/worker-group.ts';

/** Limits no run reaches: the limiter is configured this high so it never waits. */
export const UNLIMITED_RPS = 1_000_000;
const LIVE_IMPORT_CEILING = 100;
const HEADROOM_TARGET = 2_000;
const LIVE_EXPORT_CEILING = 10_000;

/** CPU ms the group's one worker process has used so far. */
const workerCpuMs = (group: WorkerGroup): number => itemAt(group.pool.cpuMs(), 0);

/** The benchmark rows imported by one process; its CPU and the driver's (this process, the emulator's host). */
async function measureImport(ctx: BenchContext, group: WorkerGroup, rowCount: number) {
  const { emulator, prefix, dataDir } = group;
  await emulator.reset();
  const { rows, inStripe } = buildRows(rowCount, 'headroom');
  await emulator.seed({ customers: inStripe.map((email) => ({ email, name: 'Already here' })) });
  ctx.log(`  import of ${thousands(rowCount)} rows, one worker process, no latency, no limits`);
  const workerCpuBefore = workerCpuMs(group);
  const driverCpuBefore = ownCpuMs();
  const imported = await runImports(ctx.redis, { prefix, dataDir, files: [importFileOf(rows)], dryRun: false, timeoutMs: 600_000 });
  const workerCpu = workerCpuMs(group) - workerCpuBefore;
  const driverCpu = ownCpuMs() - driverCpuBefore;
  const duplicates = (await emulator.stats()).duplicate_emails.length;
  return { imported, importRate: imported.rows / imported.seconds, workerCpu, driverCpu, duplicates };
}

/** An export of `customerCount` customers by the same process, and its CPU. */
async function measureExport(ctx: BenchContext, group: WorkerGroup, customerCount: number) {
  await group.emulator.reset();
  await seedPopulation(group.emulator, customerCount);
  ctx.log(`  export of ${thousands(customerCount)} customers, one worker process`);
  const exportCpuBefore = workerCpuMs(group);
  const exported = await runExport(ctx.redis, { prefix: group.prefix, timeoutMs: 600_000 });
  const exportCpu = workerCpuMs(group) - exportCpuBefore;
  return { exported, exportCpu, exportRate: exported.customers / exported.seconds };
}

/**
 * Scenario 4: the emulator answers at once and never limits, so what is measured is the code: one worker
 * process importing (rows/s and CPU ms per row, from /proc) and exporting (customers/s). What an account with
 * raised limits gets, and how far the live ceiling is from the code's own.
 */
export async function headroomScenario(ctx: BenchContext, group: WorkerGroup): Promise<ScenarioResult> {
  const rowCount = ctx.quick ? 2_000 : 5_000;
  const customerCount = ctx.quick ? 20_000 : 100_000;
  const importMeasure = await measureImport(ctx, group, rowCount);
  const exportMeasure = await measureExport(ctx, group, customerCount);
  return headroomResult({ rowCount, customerCount, ...importMeasure, ...exportMeasure });
}

type Measured = Awaited<ReturnType<typeof measureImport>> &
  Awaited<ReturnType<typeof measureExport>> & { rowCount: number; customerCount: number };

function headroomResult(m: Measured): ScenarioResult {
  const { rowCount, customerCount, imported, importRate, workerCpu, driverCpu, duplicates, exported, exportCpu, exportRate } = m;
  const importLabel = `4. Headroom: import, 1 process, ${thousands(rowCount)} rows, no latency/limits`;
  return {
    id: 'headroom',
    title: 'Headroom (no latency, no limits)',
    rows: [
      {
        scenario: importLabel,
        figure:
          `${thousands(importRate)} rows/s; worker CPU ${round(workerCpu / imported.rows, 2)} ms/row ` +
          `(${percent(workerCpu / (imported.seconds * 1000))} of one core busy)`,
        ratio: `${round(importRate / LIVE_IMPORT_CEILING, 1)}× the live ceiling (100 rows/s); ${percent(importRate / HEADROOM_TARGET)} of target`,
        target: `≥ ${thousands(HEADROOM_TARGET)} rows/s per process`,
        met: importRate >= HEADROOM_TARGET && imported.counts.failed === 0 && duplicates === 0,
      },
      {
        scenario: `4. Headroom: export, 1 process, ${thousands(customerCount)} customers`,
        figure: `${thousands(exportRate)} customers/s; worker CPU ${round((exportCpu / exported.customers) * 1000, 1)} µs/customer`,
        ratio: `${round(exportRate / LIVE_EXPORT_CEILING, 1)}× the live ceiling (10,000/s)`,
        target: '',
        met: null,
      },
    ],
    details: {
      import: {
        rows: imported.rows,
        seconds: round(imported.seconds, 2),
        rows_per_s: round(importRate),
        worker_cpu_ms: round(workerCpu),
        worker_cpu_ms_per_row: round(workerCpu / imported.rows, 3),
        driver_and_emulator_cpu_ms_per_row: round(driverCpu / imported.rows, 3),
        counts: imported.counts,
        duplicates,
      },
      export: {
        customers: exported.customers,
        pages: exported.pages,
        seconds: round(exported.seconds, 2),
        customers_per_s: round(exportRate),
        worker_cpu_ms: round(exportCpu),
      },
      settings: { limiter_rps: UNLIMITED_RPS, emulator: NO_LIMITS, processes: 1 },
    },
  };
}
