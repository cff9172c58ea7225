import { setMaxListeners } from 'node:events';
import type { Job } from 'bullmq';
import { parseImportHeader, type ImportHeader } from '../../src/csv/index.ts';
import type { WorkerDeps } from '../../src/deps.ts';
import { createCreatedEmails } from './created-emails.ts';
import { createEmailLocks } from './email-lock.ts';
import type { ImportJobData } from '../../src/imports/import-job-data.ts';
import type { ImportStore, RunStart } from '../../src/imports/import-store.ts';
import type { ImportCounts, RowOutcome } from '../../src/imports/import-types.ts';
import type { ResultsFile } from '../../src/imports/results-file.ts';
import type { Logger } from '../../src/logger.ts';
import { crashHookFor } from './crash-points.ts';
import { openCsvRecords } from './csv-records.ts';
import { processRow, type RowContext } from './process-row.ts';
import { ResultsPipeline } from './results-pipeline.ts';
import { RowSlots } from './row-slots.ts';

/** How a run ended. */
export type RunEnd = 'completed' | 'cancelled' | 'aborted';

/** Everything one run of the row loop needs. */
export interface RunInput {
  job: Job<ImportJobData>;
  deps: WorkerDeps;
  store: ImportStore;
  start: RunStart;
  total: number;
  file: ResultsFile;
  inputPath: string;
  logger: Logger;
  /** Aborted by the worker (shutdown) or BullMQ's job cancel. */
  signal: AbortSignal | undefined;
}

const FLUSH_EVERY_MS = 500;
const FLUSH_AT_LINES = 1000;
const CANCEL_POLL_MS = 500;
// After a cancel, rows still in flight get this long to reach their pre-write check before they are aborted.
const CANCEL_GRACE_MS = 10_000;

/**
 * Streams the rows of the file through processRow, up to config.importRowsInFlight at once and never more than
 * 4 × that past the first unfinished row (which bounds the reorder buffer), and writes their results in order.
 */
export async function runRows(input: RunInput): Promise<{ end: RunEnd; counts: ImportCounts; rowsThisRun: number }> {
  const { job, deps, store, start, file, logger } = input;
  const { importId } = job.data;
  const inFlight = deps.config.importRowsInFlight;
  const window = inFlight * 4;
  const counts: ImportCounts = { ...start.checkpoint.counts, total: input.total };
  const startedAt = Date.now();
  const firstRow = start.checkpoint.rows + 1;
  let lastProgressAt = 0;

  const crash = crashHookFor(deps.config.testCrashAt);
  const pipeline = new ResultsPipeline({
    importId,
    crash,
    run: start.run,
    store,
    file,
    startRows: start.checkpoint.rows,
    counts,
    onFlushed: async (lines: readonly RowOutcome[], now: ImportCounts) => {
      for (const line of lines) {
        deps.metrics?.rows.inc({ outcome: line.action });
        if (line.action === 'failed') await job.log(`row ${line.row} (${line.email || 'no email'}): ${line.message}`);
      }
      const at = Date.now();
      if (at - lastProgressAt >= FLUSH_EVERY_MS || now.processed === now.total) {
        lastProgressAt = at;
        const seconds = (at - startedAt) / 1000;
        const rate = seconds > 0 ? Math.round(((now.processed - firstRow + 1) / seconds) * 10) / 10 : 0;
        await job.updateProgress({ ...now, rate_per_s: rate });
      }
    },
  });

  const inner = new AbortController();
  // Every row in flight listens to this signal (lock waits, rate-limit waits): dozens of listeners are expected.
  setMaxListeners(0, inner.signal);
  const onOuterAbort = () => inner.abort(input.signal?.reason);
  input.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (input.signal?.aborted) onOuterAbort();
  let cancelled = false;
  let failure: unknown;
  const noteFailure = (err: unknown) => {
    failure ??= err;
    inner.abort(err);
  };

  const ctxBase = {
    importId,
    mode: job.data.mode,
    dryRun: job.data.dryRun,
    gateway: deps.gateway,
    locks: createEmailLocks({ redis: deps.redis, queuePrefix: deps.config.queuePrefix, accountId: deps.config.stripe.accountId }),
    registry: createCreatedEmails(deps.redis, deps.config.queuePrefix, deps.config.stripe.accountId),
    crash,
    signal: inner.signal,
    isCancelled: async () => {
      if (!cancelled && (await store.isCancelRequested(importId))) cancelled = true;
      return cancelled;
    },
  };

  const flushTimer = setInterval(() => void pipeline.flush().catch(noteFailure), FLUSH_EVERY_MS);
  let cancelTimer: NodeJS.Timeout | undefined;
  const cancelPoll = setInterval(() => {
    void ctxBase.isCancelled().then((yes) => {
      if (yes && !cancelTimer) cancelTimer = setTimeout(() => inner.abort('cancelled'), CANCEL_GRACE_MS);
    }, noteFailure);
  }, CANCEL_POLL_MS);

  const slots = new RowSlots(inFlight);
  const running = new Set<Promise<void>>();
  const records = openCsvRecords(input.inputPath);
  let header: ImportHeader | undefined;
  let row = 0;
  try {
    for await (const cells of records as AsyncIterable<string[]>) {
      if (!header) {
        header = parseImportHeader(cells);
        continue;
      }
      row += 1;
      if (row < firstRow) continue;
      if (cancelled || inner.signal.aborted || pipeline.endedByAbort) break;
      while (row - pipeline.firstUnfinished >= window && !inner.signal.aborted) await pipeline.waitForProgress();
      const slot = await slots.take();
      if (cancelled || inner.signal.aborted) {
        slot.done();
        break;
      }
      const ctx: RowContext = { ...ctxBase, header };
      const thisRow = row;
      const task = processRow(ctx, slot, thisRow, cells)
        .then((result) => {
          slot.done();
          pipeline.put(thisRow, result);
          if (pipeline.pendingLines >= FLUSH_AT_LINES) void pipeline.flush().catch(noteFailure);
        })
        .catch(noteFailure);
      running.add(task);
      void task.finally(() => running.delete(task));
    }
  } catch (err) {
    noteFailure(err);
  } finally {
    records.destroy();
  }
  await Promise.all(running);
  clearInterval(flushTimer);
  clearInterval(cancelPoll);
  clearTimeout(cancelTimer);
  input.signal?.removeEventListener('abort', onOuterAbort);
  await pipeline.flush().catch(noteFailure);
  if (failure !== undefined) throw failure;

  const rowsThisRun = pipeline.rowsWritten - start.checkpoint.rows;
  logger.debug({ rowsThisRun, written: pipeline.rowsWritten, total: input.total }, 'row loop ended');
  if (pipeline.rowsWritten >= input.total) return { end: 'completed', counts, rowsThisRun };
  if (cancelled) return { end: 'cancelled', counts, rowsThisRun };
  return { end: 'aborted', counts, rowsThisRun };
}
