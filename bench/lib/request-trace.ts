import type { BenchEmulator } from './bench-emulator.ts';

/** Requests the emulator answered in each second of a run (200s only), to show where a budget sat idle. */
export interface RequestTrace {
  reads: number[];
  writes: number[];
}

const TRACE_EVERY_MS = 1_000;

/**
 * Samples the emulator's counters every second until stop(): the differences are the reads and writes answered in
 * each second (sampling adds a few ms of jitter per point, not a loss of requests).
 */
export function traceRequests(emulator: BenchEmulator): { stop(): Promise<RequestTrace> } {
  const trace: RequestTrace = { reads: [], writes: [] };
  let last = { reads: 0, writes: 0 };
  let sampling: Promise<void> = Promise.resolve();
  const sample = async () => {
    const { requests } = await emulator.stats();
    const now = { reads: requests['read:200'] ?? 0, writes: requests['write:200'] ?? 0 };
    trace.reads.push(now.reads - last.reads);
    trace.writes.push(now.writes - last.writes);
    last = now;
  };
  const timer = setInterval(() => {
    sampling = sampling.then(sample, sample);
  }, TRACE_EVERY_MS);
  return {
    async stop() {
      clearInterval(timer);
      await sampling.catch(() => undefined);
      await sample();
      return trace;
    },
  };
}
