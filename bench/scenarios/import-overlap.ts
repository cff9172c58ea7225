import { runsOf, type BenchContext } from '../lib/context.ts';
import { dataCeiling, type DataCeiling } from '../lib/import-data-ceiling.ts';
import { buildRows, type BenchRow } from '../lib/import-rows.ts';
import { forgetCreatedEmails, runImports, type ImportFile } from '../lib/import-runner.ts';
import { median, percent, round, thousands } from '../lib/numbers.ts';
import type { ScenarioResult, TableRow } from '../lib/report.ts';
import { traceRequests, type RequestTrace } from '../lib/request-trace.ts';
import type { WorkerGroup } from '../lib/worker-group.ts';
import { resetToStart } from './import-ceiling.ts';

/** The live budget the group's limiter and emulator share. */
const RPS = 100;
const TARGET = 0.95;
/** Worker processes of this group: two imports at once leave one idle, as in the setup. */
export const OVERLAP_PROCESSES = 3;

/**
 * Two files whose emails meet: the second's first half repeats the first's first half in the same order (every third
 * of them upper-cased), so both imports want the same emails at the same moment and one waits for the other's lock.
 */
export function overlappingFiles(count: number): ImportFile[] {
  const first = (i: number): BenchRow => ({ email: `ovl.user${i}@example.com`, name: `First ${i + 1}` });
  const half = Math.floor(count / 2);
  const second = (i: number): BenchRow => {
    if (i >= half) return { email: `ovl.second${i}@example.com`, name: `Second ${i + 1}` };
    const email = first(i).email;
    return { email: i % 3 === 2 ? email.toUpperCase() : email, name: `Second ${i + 1}` };
  };
  return [
    { count, rowAt: first },
    { count, rowAt: second },
  ];
}

function rowOf(rows: readonly BenchRow[], i: number): BenchRow {
  const row = rows[i];
  if (row === undefined) throw new RangeError(`no row ${i}`);
  return row;
}

interface CaseRun {
  seconds: number;
  rows_per_s: number;
  of_ceiling: number;
  rate_limited: number;
  duplicates: number;
  failed: number;
  reads: number;
  writes: number;
  trace: RequestTrace;
}

async function runCase(ctx: BenchContext, group: WorkerGroup, files: ImportFile[], inStripe: string[], ceiling: DataCeiling): Promise<CaseRun> {
  const { emulator, prefix, dataDir } = group;
  await resetToStart(emulator, inStripe);
  await forgetCreatedEmails(ctx.redis, prefix);
  const tracer = traceRequests(emulator);
  const outcome = await runImports(ctx.redis, { prefix, dataDir, files, dryRun: false, timeoutMs: 600_000 });
  const trace = await tracer.stop();
  const stats = await emulator.stats();
  const rate = outcome.rows / outcome.seconds;
  return {
    seconds: round(outcome.seconds, 2),
    rows_per_s: round(rate, 2),
    of_ceiling: round(rate / ceiling.rowsPerS, 4),
    rate_limited: stats.rate_limited,
    duplicates: stats.duplicate_emails.length,
    failed: outcome.counts.failed,
    reads: stats.requests['read:200'] ?? 0,
    writes: stats.requests['write:200'] ?? 0,
    trace,
  };
}

function tableRow(label: string, ceiling: DataCeiling, runs: CaseRun[]): TableRow {
  const ratio = median(runs.map((r) => r.of_ceiling));
  const rateLimited = runs.reduce((n, r) => n + r.rate_limited, 0);
  const duplicates = Math.max(...runs.map((r) => r.duplicates));
  const failed = runs.reduce((n, r) => n + r.failed, 0);
  const list = runs.length > 1 ? ` (runs: ${runs.map((r) => percent(r.of_ceiling)).join(', ')})` : '';
  return {
    scenario: label,
    figure:
      `${round(median(runs.map((r) => r.rows_per_s)), 1)} rows/s${list}; ${thousands(median(runs.map((r) => r.reads)))} reads made; ` +
      `${rateLimited} 429s, ${duplicates} duplicates, ${failed} failed`,
    ratio: `${percent(ratio)} of ${round(ceiling.rowsPerS, 1)} rows/s (${thousands(ceiling.reads)} reads, ${thousands(ceiling.writes)} creates)`,
    target: `≥ ${percent(TARGET)}, 0 duplicates`,
    met: ratio >= TARGET && duplicates === 0 && failed === 0,
  };
}

/**
 * Scenario 1b: rows/s against the ceiling the data sets (reads and creates it needs at 100/s each), for two imports
 * at once over overlapping emails on 3 worker processes, and for one import on one process. Every 429 and every
 * duplicate is counted; the per-second trace of reads shows whether the read budget sat idle.
 */
export async function importOverlapScenario(ctx: BenchContext, group: WorkerGroup): Promise<ScenarioResult> {
  const count = ctx.quick ? 1_000 : 2_000;
  const runs = runsOf(ctx);
  const overlap = overlappingFiles(count);
  const overlapCeiling = dataCeiling(overlap, [], RPS, RPS);
  const { rows, inStripe } = buildRows(count, 'single');
  const single = [{ count: rows.length, rowAt: (i: number) => rowOf(rows, i) }];
  const singleCeiling = dataCeiling(single, inStripe, RPS, RPS);
  const results: { overlap: CaseRun[]; single: CaseRun[] } = { overlap: [], single: [] };
  for (let run = 1; run <= runs; run++) {
    for (const which of ['overlap', 'single'] as const) {
      const r = which === 'overlap'
        ? await runCase(ctx, group, overlap, [], overlapCeiling)
        : await runCase(ctx, group, single, inStripe, singleCeiling);
      results[which].push(r);
      ctx.log(
        `  ${which}, run ${run}/${runs}: ${r.rows_per_s} rows/s = ${percent(r.of_ceiling)} of the data's ceiling; 429s ${r.rate_limited}, ` +
          `duplicates ${r.duplicates}, reads ${r.reads}, writes ${r.writes}; reads/s ${r.trace.reads.join(' ')}`,
      );
    }
  }
  return {
    id: 'import-overlap',
    title: 'Import against the data-derived ceiling',
    rows: [
      tableRow(`1. Two imports at once, ${thousands(count)} + ${thousands(count)} rows, half the emails shared (every third upper-cased), ${OVERLAP_PROCESSES} processes`, overlapCeiling, results.overlap),
      tableRow(`1. One import, ${thousands(count)} rows (10% repeated, 10% in Stripe), 1 process`, singleCeiling, results.single),
    ],
    details: { rows_per_file: count, ceilings: { overlap: overlapCeiling, single: singleCeiling }, emulator: group.emulator.options, runs: results },
  };
}
