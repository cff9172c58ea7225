import { startBenchEmulator, type BenchEmulator } from './bench-emulator.ts';
import { scope, type BenchContext } from './context.ts';
import type { EmulatorOptions } from '../../src/emulator/index.ts';
import { startWorkerPool, workerEnv, type WorkerPool } from './worker-processes.ts';

/** An emulator and the worker processes pointed at it, shared by the scenarios of one group. */
export interface WorkerGroup {
  emulator: BenchEmulator;
  pool: WorkerPool;
  /** The workers' QUEUE_PREFIX and DATA_DIR. */
  prefix: string;
  dataDir: string;
}

/** How the group's worker processes are configured. */
export interface WorkerGroupOptions {
  emulator: EmulatorOptions;
  processes: number;
  readRps: number;
  writeRps: number;
  extra?: Record<string, string>;
}

/**
 * Starts an emulator and worker processes, runs `body`, and stops both. Worker processes take seconds to start
 * on a loaded 2-core machine, so scenarios that need the same configuration share one pool: an idle process
 * does nothing, and N jobs at once keep exactly N processes busy (WORKER_CONCURRENCY=1).
 */
export async function withWorkerGroup<T>(ctx: BenchContext, name: string, o: WorkerGroupOptions, body: (group: WorkerGroup) => Promise<T>): Promise<T> {
  const emulator = await startBenchEmulator(o.emulator);
  try {
    const { prefix, dataDir, logPath } = scope(ctx, name);
    const env = workerEnv({ redisUrl: ctx.redisUrl, emulatorUrl: emulator.url, prefix, dataDir, readRps: o.readRps, writeRps: o.writeRps, ...(o.extra ? { extra: o.extra } : {}) });
    const pool = await startWorkerPool(ctx.redis, o.processes, env, logPath);
    try {
      return await body({ emulator, pool, prefix, dataDir });
    } finally {
      await pool.stop();
    }
  } finally {
    await emulator.close();
  }
}
