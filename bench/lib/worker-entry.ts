import { execFileSync } from 'node:child_process';

/**
 * How the benchmarks start a worker process: as production runs it, compiled (`npm run build`, then
 * `node dist/src/worker.js`). A worker under tsx holds ~50 MB more (the loader and the compiled sources), which
 * would count against the memory figures. BENCH_WORKER=tsx runs `node --import tsx src/worker.ts` instead.
 */
const useTsx = process.env.BENCH_WORKER === 'tsx';
let built = false;

/**
 * Compiles dist/ once per benchmark process (so a bench never measures stale JavaScript). Synchronous (~10 s): call
 * it before starting servers or connections in this process, which would otherwise stall (or time out) meanwhile.
 */
export function buildWorker(): void {
  if (built || useTsx) return;
  execFileSync('bash', ['scripts/build.sh'], { stdio: ['ignore', 'ignore', 'inherit'] });
  built = true;
}

/** The node arguments that start one worker process (after any profiling flags). */
export function workerArgs(): string[] {
  buildWorker();
  return useTsx ? ['--import', 'tsx', 'src/worker.ts'] : ['dist/src/worker.js'];
}

/** What the report says the workers ran. */
export function workerRuntime(): string {
  return useTsx ? 'node --import tsx src/worker.ts' : 'node dist/src/worker.js (npm run build)';
}
