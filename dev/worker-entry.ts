import { execFileSync } from 'node:child_process';

/** How a spawned worker runs: from the sources under tsx, or compiled by `npm run build` (as in production). */
export type WorkerEntry = 'source' | 'compiled';

/** The node arguments that start `src/worker.ts` each way (the benchmarks use them too). */
export const WORKER_ENTRY_ARGS: Readonly<Record<WorkerEntry, readonly string[]>> = {
  source: ['--import', 'tsx', 'src/worker.ts'],
  compiled: ['dist/src/worker.js'],
};

/** Compiles dist/ (`scripts/build.sh`, what `npm run build` runs). Synchronous, ~10 s. */
export function buildDist(timeoutMs = 120_000): void {
  execFileSync('bash', ['scripts/build.sh'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: timeoutMs });
}
