import { runsOf, type BenchContext } from '../lib/context.ts';
import { buildRows, type BenchRow } from '../lib/import-rows.ts';
import { forgetCreatedEmails, runImports } from '../lib/import-runner.ts';
import { median, percent, round, thousands } from '../lib/numbers.ts';
import { ownCpuMs } from '../lib/proc-stats.ts';
import { redisWork, workBetween, type RedisWork } from '../lib/redis-stats.ts';
import type { ScenarioResult } from '../lib/report.ts';
import type { WorkerGroup } from '../lib/worker-group.ts';

const TARGET_ROWS_PER_S = 2_000;

interface HeadroomRun {
  rows_per_s: number;
  worker_cpu_ms_per_row: number;
  driver_and_emulator_cpu_ms_per_row: number;
  redis_commands_per_row: number;
  redis_cpu_us_per_row: number;
  redis_commands: Record<string, number>;
  redis_usec_by_command: Record<string, number>;
  failed: number;
  duplicates: number;
}

function rowOf(rows: readonly BenchRow[], i: number): BenchRow {
  const row = rows[i];
  if (row === undefined) throw new RangeError(`no row ${i}`);
  return row;
}

const perRow = (work: RedisWork, rows: number) => ({
  commands: round(work.commands / rows, 2),
  cpuUs: round((work.cpuMs / rows) * 1000, 0),
});

/**
 * Scenario 4b: the import alone on one worker process with no latency and no limits, three runs: rows/s, the
 * worker's CPU per row (from /proc), and what each row costs redis-server (commands and CPU, from INFO), since
 * round trips to Redis are what a row mostly waits for once Stripe answers at once.
 */
export async function importHeadroomScenario(ctx: BenchContext, group: WorkerGroup): Promise<ScenarioResult> {
  const rowCount = ctx.quick ? 2_000 : 5_000;
  const { emulator, pool, prefix, dataDir } = group;
  const { rows, inStripe } = buildRows(rowCount, 'headroom');
  const runs: HeadroomRun[] = [];
  for (let run = 1; run <= runsOf(ctx); run++) {
    await emulator.reset();
    await emulator.seed({ customers: inStripe.map((email) => ({ email, name: 'Already here' })) });
    await forgetCreatedEmails(ctx.redis, prefix);
    const workerCpuBefore = pool.cpuMs()[0] ?? 0;
    const driverCpuBefore = ownCpuMs();
    const redisBefore = await redisWork(ctx.redis);
    const files = [{ count: rows.length, rowAt: (i: number) => rowOf(rows, i) }];
    const imported = await runImports(ctx.redis, { prefix, dataDir, files, dryRun: false, timeoutMs: 600_000 });
    const redisDone = workBetween(redisBefore, await redisWork(ctx.redis));
    const redis = perRow(redisDone, imported.rows);
    const r: HeadroomRun = {
      rows_per_s: round(imported.rows / imported.seconds, 0),
      worker_cpu_ms_per_row: round(((pool.cpuMs()[0] ?? 0) - workerCpuBefore) / imported.rows, 3),
      driver_and_emulator_cpu_ms_per_row: round((ownCpuMs() - driverCpuBefore) / imported.rows, 3),
      redis_commands_per_row: redis.commands,
      redis_cpu_us_per_row: redis.cpuUs,
      redis_commands: redisDone.byCommand,
      redis_usec_by_command: redisDone.usecByCommand,
      failed: imported.counts.failed,
      duplicates: (await emulator.stats()).duplicate_emails.length,
    };
    runs.push(r);
    ctx.log(
      `  import headroom, run ${run}: ${r.rows_per_s} rows/s, worker CPU ${r.worker_cpu_ms_per_row} ms/row, ` +
        `Redis ${r.redis_commands_per_row} commands and ${r.redis_cpu_us_per_row} µs CPU per row ${JSON.stringify(r.redis_commands)}`,
    );
  }
  const rate = median(runs.map((r) => r.rows_per_s));
  return {
    id: 'import-headroom',
    title: 'Import headroom (no latency, no limits)',
    rows: [
      {
        scenario: `4. Headroom: import alone, 1 process, ${thousands(rowCount)} rows, no latency/limits`,
        figure:
          `${thousands(rate)} rows/s (runs: ${runs.map((r) => thousands(r.rows_per_s)).join(', ')}); worker CPU ` +
          `${median(runs.map((r) => r.worker_cpu_ms_per_row))} ms/row; Redis ${median(runs.map((r) => r.redis_commands_per_row))} commands/row`,
        ratio: `${percent(rate / TARGET_ROWS_PER_S)} of target`,
        target: `≥ ${thousands(TARGET_ROWS_PER_S)} rows/s per process`,
        met: rate >= TARGET_ROWS_PER_S && runs.every((r) => r.failed === 0 && r.duplicates === 0),
      },
    ],
    details: { rows: rowCount, runs },
  };
}
