import type { BenchEmulator } from '../lib/bench-emulator.ts';
import type { BenchContext } from '../lib/context.ts';
import { buildRows } from '../lib/import-rows.ts';
import { percent, round, thousands } from '../lib/numbers.ts';
import type { ScenarioResult } from '../lib/report.ts';
import { concurrentLoop, sequentialLoop, type LoopRun } from '../lib/user-loops.ts';
import { IMPORT_CEILING, resetToStart } from './import-ceiling.ts';

const CONCURRENCY = 32;

/** Both loops on the same rows, each from the scenario's starting state, with the emulator's figures after each. */
async function measureLoops(ctx: BenchContext, emulator: BenchEmulator, rowCount: number, sequentialCount: number) {
  const { rows, inStripe } = buildRows(rowCount, 'ceiling');
  const stripe = emulator.client(0);

  await resetToStart(emulator, inStripe);
  ctx.log(`  sequential loop on the first ${sequentialCount} rows`);
  const sequential = await sequentialLoop(stripe, rows.slice(0, sequentialCount));
  const seqStats = await emulator.stats();

  await resetToStart(emulator, inStripe);
  ctx.log(`  ${CONCURRENCY} rows at once, no limiter, ${thousands(rowCount)} rows`);
  const concurrent = await concurrentLoop(stripe, rows, CONCURRENCY);
  const conStats = await emulator.stats();
  const expectedCustomers = new Set(rows.map((r) => r.email)).size;
  return { sequential, seqStats, concurrent, conStats, expectedCustomers };
}

/**
 * Scenario 2: the same rows through what users write instead, against the same emulator in the same run:
 * a sequential list-then-create loop (on a subset, extrapolated: it is too slow to run whole) and a loop with 32
 * rows at once and no limiter (every 429 retried after 1 s, so it completes). Our speed-up over each.
 */
export async function userLoopsScenario(ctx: BenchContext, emulator: BenchEmulator, oursRowsPerS: number): Promise<ScenarioResult> {
  const rowCount = ctx.quick ? 1_000 : 5_000;
  const sequentialCount = ctx.quick ? 30 : 120;
  const measured = await measureLoops(ctx, emulator, rowCount, sequentialCount);
  return userLoopsResult(rowCount, sequentialCount, oursRowsPerS, measured);
}

function userLoopsResult(
  rowCount: number,
  sequentialCount: number,
  oursRowsPerS: number,
  { sequential, seqStats, concurrent, conStats, expectedCustomers }: Awaited<ReturnType<typeof measureLoops>>,
): ScenarioResult {
  const rate = (run: LoopRun) => run.rows / run.seconds;
  const seqRate = rate(sequential);
  const conRate = rate(concurrent);
  const extraCustomers = conStats.customers - expectedCustomers;
  return {
    id: 'user-loops',
    title: 'What users write instead',
    rows: [
      {
        scenario: `2. Sequential loop (list, then create), ${sequentialCount} of the ${thousands(rowCount)} rows, extrapolated`,
        figure:
          `${round(seqRate, 1)} rows/s → ${thousands(rowCount / seqRate)} s for ${thousands(rowCount)} rows ` +
          `(ours: ${thousands(rowCount / oursRowsPerS)} s); ${sequential.rateLimited} 429s`,
        ratio: `${percent(seqRate / IMPORT_CEILING)} of ${IMPORT_CEILING} rows/s; ours is ${round(oursRowsPerS / seqRate, 1)}× faster`,
        target: '',
        met: null,
      },
      {
        scenario: `2. ${CONCURRENCY} at once, no limiter, ${thousands(rowCount)} rows (429s retried after 1 s)`,
        figure:
          `${round(conRate, 1)} rows/s; ${concurrent.rateLimited} 429s (${round((concurrent.rateLimited / rowCount) * 1000, 0)} per 1,000 rows), ` +
          `${conStats.duplicate_emails.length} duplicated emails (${extraCustomers} extra customers)`,
        ratio: `${percent(conRate / IMPORT_CEILING)} of ${IMPORT_CEILING} rows/s; ours is ${round(oursRowsPerS / conRate, 2)}× as fast, with 0 duplicates`,
        target: '',
        met: null,
      },
    ],
    details: {
      ours_one_process_rows_per_s: oursRowsPerS,
      sequential: {
        rows: sequentialCount,
        extrapolated_to_rows: rowCount,
        seconds: round(sequential.seconds, 1),
        rows_per_s: round(seqRate, 2),
        extrapolated_seconds: round(rowCount / seqRate, 0),
        rate_limited: sequential.rateLimited,
        duplicates: seqStats.duplicate_emails.length,
        speed_up_ours: round(oursRowsPerS / seqRate, 2),
      },
      concurrent: {
        concurrency: CONCURRENCY,
        rows: rowCount,
        seconds: round(concurrent.seconds, 1),
        rows_per_s: round(conRate, 2),
        rate_limited_client: concurrent.rateLimited,
        rate_limited_emulator: conStats.rate_limited,
        duplicated_emails: conStats.duplicate_emails.length,
        extra_customers: extraCustomers,
        speed_up_ours: round(oursRowsPerS / conRate, 2),
      },
    },
  };
}

