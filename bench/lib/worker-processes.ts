import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAMES } from '../../src/queues/names.ts';
import { BENCH_KEY } from './bench-emulator.ts';
import { cpuMs, peakRssMb, resetPeakRss } from './proc-stats.ts';
import { sleep } from './numbers.ts';
import { workerArgs } from './worker-entry.ts';

/** What a spawned `src/worker.ts` is configured with (see src/config.ts for the variables). */
export interface WorkerEnvOptions {
  redisUrl: string;
  emulatorUrl: string;
  prefix: string;
  dataDir: string;
  readRps: number;
  writeRps: number;
  /** Any other variable: IMPORT_ROWS_IN_FLIGHT, STRIPE_ENDPOINT_RPS, … */
  extra?: Record<string, string>;
}

export function workerEnv(o: WorkerEnvOptions): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    REDIS_URL: o.redisUrl,
    STRIPE_SECRET_KEY: BENCH_KEY,
    STRIPE_API_URL: o.emulatorUrl,
    STRIPE_READ_RPS: String(o.readRps),
    STRIPE_WRITE_RPS: String(o.writeRps),
    QUEUE_PREFIX: o.prefix,
    DATA_DIR: o.dataDir,
    // One job per process: N imports at once then run on N processes, which is what "N workers" measures.
    WORKER_CONCURRENCY: '1',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    ...o.extra,
  };
}

/** Worker processes (`node dist/src/worker.js`, see worker-entry.ts) started for one scenario. */
export interface WorkerPool {
  readonly pids: number[];
  /** Peak RSS (VmHWM) of each process so far (or since resetPeakRss), in MB. */
  peakRssMb(): number[];
  /** Starts a new peak at each process's current RSS. */
  resetPeakRss(): void;
  /** CPU time used by each process so far, in ms. */
  cpuMs(): number[];
  /** SIGTERM, then SIGKILL after 10 s; resolves when every process has exited. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

/**
 * Spawns `count` worker processes and waits until each has registered its import and export workers with
 * Redis (BullMQ names its connections), so a measure starts at the job, not at process start-up.
 * Their stderr goes to `logPath`; a process that dies before it is ready fails the scenario with that log.
 */
export async function startWorkerPool(redis: Redis, count: number, env: NodeJS.ProcessEnv, logPath: string): Promise<WorkerPool> {
  const log = openSync(logPath, 'a');
  // BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the workers (not allowed in NODE_OPTIONS).
  const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, [...nodeArgs, ...workerArgs()], { env, stdio: ['ignore', log, log] }),
  );
  closeSync(log);
  const stop = async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    }, 10_000);
    await Promise.all(children.map(exited));
    clearTimeout(timer);
  };
  const prefix = env.QUEUE_PREFIX ?? 'stripe-bulk';
  const queues = [new Queue(QUEUE_NAMES.import, { connection: redis, prefix }), new Queue(QUEUE_NAMES.export, { connection: redis, prefix })];
  let pids: number[];
  try {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      const dead = children.find((c) => c.exitCode !== null);
      if (dead) throw new Error(`worker process exited with code ${dead.exitCode}:\n${readFileSync(logPath, 'utf8').slice(-2000)}`);
      const counts = await Promise.all(queues.map((q) => q.getWorkersCount()));
      if (counts.every((n) => n >= count)) break;
      if (Date.now() > deadline) throw new Error(`worker processes not ready after ${READY_TIMEOUT_MS / 1000} s`);
      await sleep(100);
    }
    pids = children.map((c) => {
      if (c.pid === undefined) throw new Error('a worker process has no pid: it was never spawned');
      return c.pid;
    });
  } catch (err) {
    await stop();
    throw err;
  } finally {
    await Promise.all(queues.map((q) => q.close()));
  }
  return {
    pids,
    peakRssMb: () => pids.map(peakRssMb),
    resetPeakRss: () => pids.forEach(resetPeakRss),
    cpuMs: () => pids.map(cpuMs),
    stop,
  };
}
