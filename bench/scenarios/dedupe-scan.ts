import { accountIdForKey } from '../../src/config.ts';
import { customerWalkKeys } from '../../src/redis-keys.ts';
import { BENCH_KEY, LIVE_LIMITS, type BenchEmulator } from '../lib/bench-emulator.ts';
import type { DedupeMode } from '../../src/imports/upload/import-options.ts';
import type { BenchContext } from '../lib/context.ts';
import { forgetCreatedEmails, runImports, type ImportFile } from '../lib/import-runner.ts';
import { round, thousands } from '../lib/numbers.ts';
import type { ScenarioResult, TableRow } from '../lib/report.ts';
import { withWorkerGroup, type WorkerGroup } from '../lib/worker-group.ts';

/**
 * The account's customers are stored with capitals (`Acct{i}@Example.com`); the file's rows alternate between one of
 * them written in lower case (every customer once per 2 × account rows, so a file larger than the account repeats
 * them) and a new email. Stripe's `?email=` is case-sensitive: `lookup` looks the written and lower-cased forms up
 * and misses them all (it creates duplicates), `scan` matches them through the index.
 */
function fileOf(rows: number, account: number, casing: Casing): ImportFile {
  const known = (n: number) => (casing === 'lower' ? `acct${n}@example.com` : `ACCT${n}@example.com`);
  return {
    count: rows,
    rowAt: (i) => (i % 2 === 0 ? { email: known((i / 2) % account), name: `Known ${i}` } : { email: `new${i}@example.com`, name: `New ${i}` }),
  };
}

/**
 * How the file writes the known emails: `lower` (the case), or `upper` (ACCT0@example.com: another casing
 * than Stripe's, so `lookup` looks up the written and the lower-cased form, two reads, and still misses).
 */
type Casing = 'lower' | 'upper';

async function seedAccount(emulator: BenchEmulator, count: number): Promise<void> {
  await emulator.reset();
  const first = Math.floor(Date.now() / 1000) - count * 30 - 60;
  await emulator.seed({ count, createdStep: 30, template: { email: 'Acct{i}@Example.com', name: 'Acct {i}', created: first } });
}

/** One import of `rows` rows on a freshly seeded account (no index, no registry): rows/s, reads and writes per row. */
async function measure(ctx: BenchContext, group: WorkerGroup, o: { rows: number; account: number; dedupe: 'lookup' | 'scan'; casing: Casing }) {
  await seedAccount(group.emulator, o.account);
  await forgetCreatedEmails(ctx.redis, group.prefix);
  const index = customerWalkKeys(group.prefix, `account-${accountIdForKey(BENCH_KEY)}`);
  await ctx.redis.del(index.emailIds, index.slices, index.meta, index.groups, index.customers, index.metadataKeys, index.casings, index.appliedEvents);
  await group.emulator.resetStats();
  const run = await runImports(ctx.redis, {
    prefix: group.prefix,
    dataDir: group.dataDir,
    files: [fileOf(o.rows, o.account, o.casing)],
    dryRun: false,
    ...(o.dedupe === 'scan' ? { dedupe: 'scan' as const } : {}),
    timeoutMs: 3_600_000,
  });
  const stats = await group.emulator.stats();
  const reads = stats.requests['read:200'] ?? 0;
  const writes = stats.requests['write:200'] ?? 0;
  const result = { ...o, seconds: round(run.seconds, 1), rows_per_s: round(run.rows / run.seconds), reads, writes, reads_per_row: round(reads / run.rows, 3), created: run.counts.created, skipped: run.counts.skipped, duplicate_groups: stats.duplicate_emails.length, rate_limited: stats.rate_limited };
  ctx.log(`  ${o.dedupe} ${thousands(o.rows)} rows (${o.casing}) on ${thousands(o.account)}: ${result.rows_per_s} rows/s, ${result.reads_per_row} reads/row, created ${result.created}`);
  return result;
}

/**
 * Scenario 9 (issue 15): dedupe=lookup vs dedupe=scan on one worker process at the live limits (100 reads/s and
 * 100 writes/s): rows/s and reads per row, for a file smaller and a file larger than the account.
 */
export async function dedupeScanScenario(ctx: BenchContext): Promise<ScenarioResult> {
  // At 100 rows/s a 200,000-row file takes up to 35 minutes per mode: the full run keeps the account of
  // 100,000 and measures a file of 10,000 rows; `--dedupe-rows 200000` (and `--dedupe-modes`) asks for the larger one.
  const account = ctx.quick ? 5_000 : 100_000;
  const sizes = ctx.dedupe.rows ?? (ctx.quick ? [1_000, 10_000] : [10_000]);
  const modes: readonly DedupeMode[] = ctx.dedupe.modes ?? ['lookup', 'scan'];
  const limits = { emulator: LIVE_LIMITS, processes: 1, readRps: 100, writeRps: 100 };
  return withWorkerGroup(ctx, 'dedupe', limits, async (group) => {
    const runs = [];
    for (const rows of sizes) for (const dedupe of modes) runs.push(await measure(ctx, group, { rows, account, dedupe, casing: 'lower' }));
    // The other casing costs lookup two reads per known row: measured on a small file, unless sizes were chosen.
    if (ctx.dedupe.rows === undefined) {
      const smaller = Math.min(...sizes, 2_000);
      for (const dedupe of modes) runs.push(await measure(ctx, group, { rows: smaller, account, dedupe, casing: 'upper' }));
    }
    const tableRows: TableRow[] = runs.map((r) => ({
      scenario:
        `9. dedupe=${r.dedupe}, ${thousands(r.rows)} rows on an account of ${thousands(r.account)} stored as Acct<n>@Example.com; ` +
        `half the rows known, written ${r.casing === 'lower' ? 'acct<n>@example.com' : 'ACCT<n>@example.com'}`,
      figure: `${thousands(r.rows_per_s)} rows/s, ${r.seconds} s; ${r.reads_per_row} reads/row; created ${thousands(r.created)}`,
      ratio: `${r.duplicate_groups} duplicate emails left`,
      target: r.dedupe === 'scan' ? '0 duplicates' : '',
      met: r.dedupe === 'scan' ? r.duplicate_groups === 0 : null,
    }));
    return { id: 'dedupe-scan', title: 'dedupe=lookup vs dedupe=scan', rows: tableRows, details: { runs, emulator: group.emulator.options } };
  });
}
