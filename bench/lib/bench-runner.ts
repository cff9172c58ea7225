import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import { startLocalRedis } from '../../dev/local-redis.ts';
import { planRuns, SCENARIO_IDS, type ScenarioId } from '../scenarios/index.ts';
import type { DedupeMode } from '../../src/imports/upload/import-options.ts';
import type { BenchContext, DedupeChoice } from './context.ts';
import { currentLoad, describeMachine } from './machine.ts';
import { buildWorker, workerRuntime } from './worker-entry.ts';
import { round } from './numbers.ts';
import { markdownTable, type ScenarioResult } from './report.ts';

/** What one benchmark run does. */
export interface BenchOptions {
  quick: boolean;
  /** `--dedupe-rows 10000,200000` and `--dedupe-modes lookup,scan`: scenario 9's file sizes and modes. */
  dedupe: DedupeChoice;
  /** Scenarios to run; null runs them all. */
  only: ScenarioId[] | null;
  /** Where the results JSON goes. */
  out: string;
}

/** Reads `--quick`, `--only import,export`, `--out path`, `--dedupe-rows` and `--dedupe-modes` (also as `--only=…`, …). */
export function parseArgs(argv: string[]): BenchOptions {
  const valueOf = (name: string): string | undefined => {
    const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
    const arg = argv[i];
    if (arg === undefined) return undefined;
    return arg.includes('=') ? arg.slice(name.length + 1) : (argv[i + 1] ?? '');
  };
  const ids: readonly ScenarioId[] = SCENARIO_IDS;
  const onlyArg = valueOf('--only');
  let only: ScenarioId[] | null = null;
  if (onlyArg !== undefined) {
    only = onlyArg.split(',').filter(Boolean) as ScenarioId[];
    if (only.length === 0 || only.some((id) => !ids.includes(id))) {
      throw new Error(`--only takes a comma-separated list of: ${ids.join(', ')}`);
    }
  }
  const rowsArg = valueOf('--dedupe-rows');
  const rows = rowsArg?.split(',').map(Number);
  if (rows !== undefined && (rows.length === 0 || rows.some((n) => !Number.isInteger(n) || n < 1))) {
    throw new Error('--dedupe-rows takes a comma-separated list of row counts, e.g. 10000,200000');
  }
  const modesArg = valueOf('--dedupe-modes');
  const isMode = (m: string): m is DedupeMode => m === 'lookup' || m === 'scan';
  const modeArgs = modesArg?.split(',');
  if (modeArgs !== undefined && (modeArgs.length === 0 || !modeArgs.every(isMode))) {
    throw new Error('--dedupe-modes takes lookup, scan or lookup,scan');
  }
  const modes = modeArgs?.filter(isMode);
  const dedupe: DedupeChoice = { ...(rows ? { rows } : {}), ...(modes ? { modes } : {}) };
  return { quick: argv.includes('--quick'), only, out: valueOf('--out') ?? 'bench/results.json', dedupe };
}

/**
 * Starts a redis-server, runs the chosen scenario groups in order (each starts its own emulator and worker
 * processes), prints the markdown table and writes the results JSON with the machine it ran on.
 */
export async function runBenchmarks(args: BenchOptions): Promise<void> {
  const machine = describeMachine();
  const started = performance.now();
  const log = (line: string) => process.stdout.write(`[${round((performance.now() - started) / 1000, 0)} s] ${line}\n`);
  log(`stripe-bulk benchmark${args.quick ? ' (--quick: smaller counts, one run per measure)' : ''} on ${machine.cpus} × ${machine.cpu_model}, load ${machine.load_average_start.join(' ')}`);

  log(`building the worker: ${workerRuntime()}`);
  buildWorker();
  const workDir = mkdtempSync(join(tmpdir(), 'stripe-bulk-bench-'));
  const localRedis = await startLocalRedis();
  const redis = new Redis(localRedis.url, { maxRetriesPerRequest: null });
  const ctx: BenchContext = { quick: args.quick, dedupe: args.dedupe, redis, redisUrl: localRedis.url, workDir, log };
  const results: ScenarioResult[] = [];
  const timings: Record<string, number> = {};
  const loads: Record<string, number[]> = {};
  try {
    for (const scenario of planRuns(args.only ?? SCENARIO_IDS)) {
      const id = scenario.title;
      const t = performance.now();
      loads[id] = currentLoad();
      log(`${scenario.title}… (load average ${loads[id].join(' ')})`);
      try {
        results.push(...(await scenario.run(ctx)));
      } catch (err) {
        // One broken scenario must not cost the figures of the others: it gets a row saying why.
        const message = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
        log(`${scenario.title} FAILED: ${err instanceof Error ? err.stack : message}`);
        results.push({
          id: 'failed',
          title: scenario.title,
          rows: [{ scenario: scenario.title, figure: `failed: ${message}`, ratio: '', target: '', met: false }],
          details: { error: message },
        });
      }
      timings[id] = round((performance.now() - t) / 1000, 1);
      log(`${scenario.title}: done in ${timings[id]} s`);
    }
  } finally {
    redis.disconnect();
    await localRedis.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
  machine.load_average_end = currentLoad();
  // Groups run in the order that shares processes best; the table reads in the order.
  const scenarioNumber = (r: ScenarioResult) => Number.parseInt(r.rows[0]?.scenario ?? '', 10) || 99;
  results.sort((a, b) => scenarioNumber(a) - scenarioNumber(b));
  const table = markdownTable(results);
  const totalSeconds = round((performance.now() - started) / 1000, 1);
  const header =
    `Measured ${machine.date.slice(0, 10)} on ${machine.cpus} × ${machine.cpu_model}, ${machine.total_memory_gb} GB, Node ${machine.node}` +
    `${args.quick ? ', --quick (smaller counts, 1 run each)' : ', medians of 3 runs for scenarios 1 and 3'}; ` +
    `load average ${machine.load_average_start[0]} at start, ${machine.load_average_end[0]} at end (the machine was shared); ` +
    `whole run ${Math.round(totalSeconds)} s.`;
  process.stdout.write(`\n${header}\n\n${table}\n\n`);
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(
    args.out,
    `${JSON.stringify({ machine, quick: args.quick, total_seconds: totalSeconds, scenario_seconds: timings, load_average_at_scenario_start: loads, table_markdown: table, scenarios: results }, null, 2)}\n`,
  );
  log(`wrote ${args.out}`);
}

