import { startBenchEmulator } from '../lib/bench-emulator.ts';
import { scope, type BenchContext } from '../lib/context.ts';
import { buildRows } from '../lib/import-rows.ts';
import { importFileOf, runImports } from '../lib/import-runner.ts';
import { percent, round, thousands } from '../lib/numbers.ts';
import type { ScenarioResult } from '../lib/report.ts';
import { startWorkerPool, workerEnv } from '../lib/worker-processes.ts';
import { resetToStart } from './import-ceiling.ts';

/** Stripe's per-endpoint default: 25 requests per second on each endpoint (list and create here). */
const ENDPOINT_LIMIT = 25;
const OVER_CONFIGURED = 40;
const TARGET = 0.9;

async function importAt(ctx: BenchContext, emulatorUrl: string, rps: number, rows: ReturnType<typeof buildRows>['rows']) {
  const { prefix, dataDir, logPath } = scope(ctx, `endpoint-${rps}`);
  const env = workerEnv({ redisUrl: ctx.redisUrl, emulatorUrl, prefix, dataDir, readRps: rps, writeRps: rps });
  const pool = await startWorkerPool(ctx.redis, 1, env, logPath);
  try {
    return await runImports(ctx.redis, { prefix, dataDir, files: [importFileOf(rows)], dryRun: false, timeoutMs: 600_000 });
  } finally {
    await pool.stop();
  }
}

/**
 * Scenario 6: the emulator enforces 25 reads/s and 25 writes/s (Stripe's per-endpoint default). Configured for
 * it, the import should run at ≥ 90% of 25 rows/s with no 429; configured above it (40/s), it must still converge
 * (every row done, no duplicate) and the cool-down after a 429 must keep the 429s few.
 */
export async function endpointDefaultScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const rowCount = ctx.quick ? 150 : 400;
  const emulator = await startBenchEmulator({ readLimit: ENDPOINT_LIMIT, writeLimit: ENDPOINT_LIMIT, latencyMs: 150, jitterMs: 50 });
  try {
    const { rows, inStripe } = buildRows(rowCount, 'endpoint');
    const measure = async (rps: number) => {
      await resetToStart(emulator, inStripe);
      const run = await importAt(ctx, emulator.url, rps, rows);
      const stats = await emulator.stats();
      const rate = run.rows / run.seconds;
      ctx.log(`  limiter at ${rps}/s: ${round(rate, 1)} rows/s, 429s ${stats.rate_limited}, duplicates ${stats.duplicate_emails.length}`);
      return { run, stats, rate };
    };
    const matched = await measure(ENDPOINT_LIMIT);
    const over = await measure(OVER_CONFIGURED);
    const per1000 = (over.stats.rate_limited / rowCount) * 1000;
    const converged = over.run.counts.processed === rowCount && over.run.counts.failed === 0 && over.stats.duplicate_emails.length === 0;
    return {
      id: 'endpoint-default',
      title: "Stripe's per-endpoint default (25/s)",
      rows: [
        {
          scenario: `6. Limiter at 25/s, emulator enforcing 25/s, ${thousands(rowCount)} rows`,
          figure: `${round(matched.rate, 1)} rows/s; ${matched.stats.rate_limited} 429s, ${matched.stats.duplicate_emails.length} duplicates`,
          ratio: `${percent(matched.rate / ENDPOINT_LIMIT)} of ${ENDPOINT_LIMIT} rows/s`,
          target: `≥ ${percent(TARGET)}, 0 429s`,
          met: matched.rate / ENDPOINT_LIMIT >= TARGET && matched.stats.rate_limited === 0 && matched.stats.duplicate_emails.length === 0,
        },
        {
          scenario: `6. Limiter at ${OVER_CONFIGURED}/s, emulator enforcing 25/s, ${thousands(rowCount)} rows`,
          figure:
            `${round(per1000, 0)} 429s per 1,000 rows (${over.stats.rate_limited} in all); ${converged ? 'converged' : 'did NOT converge'}: ` +
            `${over.run.counts.processed}/${rowCount} rows, ${over.run.counts.failed} failed, ${over.stats.duplicate_emails.length} duplicates`,
          ratio: `${percent(over.rate / ENDPOINT_LIMIT)} of ${ENDPOINT_LIMIT} rows/s`,
          target: 'converges, no 429 storm',
          met: converged,
        },
      ],
      details: {
        rows: rowCount,
        emulator: emulator.options,
        matched: { limiter_rps: ENDPOINT_LIMIT, seconds: round(matched.run.seconds, 1), rows_per_s: round(matched.rate, 2), counts: matched.run.counts, stats: { ...matched.stats, duplicate_emails: matched.stats.duplicate_emails.length } },
        over_configured: { limiter_rps: OVER_CONFIGURED, seconds: round(over.run.seconds, 1), rows_per_s: round(over.rate, 2), rate_limited_per_1000_rows: round(per1000, 1), counts: over.run.counts, stats: { ...over.stats, duplicate_emails: over.stats.duplicate_emails.length } },
      },
    };
  } finally {
    await emulator.close();
  }
}
