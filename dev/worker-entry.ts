import { execFileSync } from 'node:child_process';

/** How a spawned worker runs: from the sources under tsx, or compiled by `npm run build` (as in production). */
export type WorkerEntry = 'source' | 'compiled';

/**
 * The V8 heap a service process runs with, as `npm start`, `npm run worker`, the Dockerfile and docker-compose start
 * it (README: Operating): without a cap V8 lets a job's garbage grow the process past 200 MB.
 */
export const SERVICE_HEAP_FLAG = '--max-old-space-size=160';

/** The node arguments that start `src/worker.ts` each way, as production does (the benchmarks use them too). */
export const WORKER_ENTRY_ARGS: Readonly<Record<WorkerEntry, readonly string[]>> = {
  source: [SERVICE_HEAP_FLAG, '--import', 'tsx', 'src/worker.ts'],
  compiled: [SERVICE_HEAP_FLAG, 'dist/src/worker.js'],
};

/** Compiles dist/ (`scripts/build.sh`, what `npm run build` runs). Synchronous, ~10 s. */
export function buildDist(timeoutMs = 120_000): void {
  execFileSync('bash', ['scripts/build.sh'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: timeoutMs });
}
