import { buildDist, WORKER_ENTRY_ARGS } from '../../dev/worker-entry.ts';

/**
 * How the benchmarks start a worker process: as production runs it, compiled (`npm run build`, then
 * `node dist/src/worker.js`). A worker under tsx holds ~50 MB more (the loader and the compiled sources), which
 * would count against the memory figures. BENCH_WORKER=tsx runs `node --import tsx src/worker.ts` instead.
 */
const useTsx = process.env.BENCH_WORKER === 'tsx';
const entry = useTsx ? 'source' : 'compiled';
let built = false;

/**
 * Compiles dist/ once per benchmark process (so a bench never measures stale JavaScript). Synchronous (~10 s): call
 * it before starting servers or connections in this process, which would otherwise stall (or time out) meanwhile.
 */
export function buildWorker(): void {
  if (built || useTsx) return;
  buildDist();
  built = true;
}

/** The node arguments that start one worker process (after any profiling flags). */
export function workerArgs(): string[] {
  buildWorker();
  return [...WORKER_ENTRY_ARGS[entry]];
}

/** What the report says the workers ran. */
export function workerRuntime(): string {
  return `node ${WORKER_ENTRY_ARGS[entry].join(' ')}${useTsx ? '' : ' (npm run build)'}`;
}
