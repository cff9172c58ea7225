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
import { accountScope } from '../../src/redis-keys.ts';
import { crashHookFor, type CrashHook } from './crash-points.ts';
import { freshRead } from './fresh-read.ts';
import { openCsvRecords } from './csv-records.ts';
import { processRow, type RowContext } from './process-row.ts';
import { ResultsPipeline } from './results-pipeline.ts';
import { RowPermits } from './row-permits.ts';
import { RowWindow } from './row-window.ts';
import type { ScanIndex } from './scan-index.ts';
import type { AuditGroups } from '../audit/publish-groups.ts';

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
  /** dedupe=scan: the account's email index, up to date before the first row, and its events. */
  scan?: ScanIndex;
  /** Upsert: the latest completed audit's duplicate groups. */
  auditGroups?: AuditGroups;
}

const FLUSH_EVERY_MS = 500;
const FLUSH_AT_LINES = 1000;
const CANCEL_POLL_MS = 500;
// After a cancel, rows still in flight get this long to reach their pre-write check before they are aborted.
const CANCEL_GRACE_MS = 10_000;

/**
 * Streams the rows of the file through processRow, up to config.importRowsInFlight at once and within the row
 * window (row-window.ts, which bounds the reorder buffer), and writes their results in order.
 */
export async function runRows(input: RunInput): Promise<{ end: RunEnd; counts: ImportCounts; rowsThisRun: number }> {
  const { deps, start, logger } = input;
  const counts: ImportCounts = { ...start.checkpoint.counts, total: input.total };
  const crash = crashHookFor(deps.config.testCrashAt);
  const pipeline = createPipeline(input, counts, crash);
  const control = new RunControl(input, pipeline);
  await dispatchRows(input, pipeline, control, rowContextBase(input, crash, control));
  await control.stop();
  if (control.failure !== undefined) throw control.failure;

  const rowsThisRun = pipeline.rowsWritten - start.checkpoint.rows;
  logger.debug({ rowsThisRun, written: pipeline.rowsWritten, total: input.total }, 'row loop ended');
  if (pipeline.rowsWritten >= input.total) return { end: 'completed', counts, rowsThisRun };
  if (control.cancelled) return { end: 'cancelled', counts, rowsThisRun };
  return { end: 'aborted', counts, rowsThisRun };
}

/** The ordered results writer, reporting metrics, failed rows and progress (at most every FLUSH_EVERY_MS). */
function createPipeline(input: RunInput, counts: ImportCounts, crash: CrashHook): ResultsPipeline {
  const { job, deps, start } = input;
  const startedAt = Date.now();
  const firstRow = start.checkpoint.rows + 1;
  let lastProgressAt = 0;
  return new ResultsPipeline({
    importId: job.data.importId,
    crash,
    run: start.run,
    store: input.store,
    file: input.file,
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
        await job.updateProgress({ ...now, rate_per_s: rate, learned_budget: deps.gatewayFor(job.data.account).learnedBudgets() });
      }
    },
  });
}

/**
 * The run's own abort signal (aborted by the outer signal, the first failure, or CANCEL_GRACE_MS after a cancel is
 * seen), its first failure, and the timers that flush results and poll for a cancel.
 */
class RunControl {
  private readonly inner = new AbortController();
  /** The first failure of a row, a flush or a cancel poll: it stops the run and the job. */
  failure: Error | undefined;
  cancelled = false;
  private readonly flushTimer: NodeJS.Timeout;
  private readonly cancelPoll: NodeJS.Timeout;
  private cancelTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly input: RunInput,
    private readonly pipeline: ResultsPipeline,
  ) {
    // Every row in flight listens to this signal (lock waits, rate-limit waits): dozens of listeners are expected.
    setMaxListeners(0, this.inner.signal);
    input.signal?.addEventListener('abort', this.onOuterAbort, { once: true });
    if (input.signal?.aborted) this.onOuterAbort();
    this.flushTimer = setInterval(() => void pipeline.flush().catch(this.noteFailure), FLUSH_EVERY_MS);
    this.cancelPoll = setInterval(() => {
      void this.isCancelled().then((yes) => {
        if (yes && !this.cancelTimer) this.cancelTimer = setTimeout(() => this.inner.abort('cancelled'), CANCEL_GRACE_MS);
      }, this.noteFailure);
    }, CANCEL_POLL_MS);
  }

  get signal(): AbortSignal {
    return this.inner.signal;
  }

  private readonly onOuterAbort = (): void => this.inner.abort(this.input.signal?.reason);

  readonly noteFailure = (err: unknown): void => {
    this.failure ??= err instanceof Error ? err : new Error(`the import run failed: ${String(err)}`);
    this.inner.abort(this.failure);
  };

  // Every row asks before each write: rows asking together share one read of the flag (each answer is read after its question).
  private readonly readCancelFlag = freshRead(() => this.input.store.isCancelRequested(this.input.job.data.importId));

  readonly isCancelled = async (): Promise<boolean> => {
    if (!this.cancelled && (await this.readCancelFlag())) this.cancelled = true;
    return this.cancelled;
  };

  /** Stops the timers and writes the last results (once no row is in flight). */
  async stop(): Promise<void> {
    clearInterval(this.flushTimer);
    clearInterval(this.cancelPoll);
    clearTimeout(this.cancelTimer);
    this.input.signal?.removeEventListener('abort', this.onOuterAbort);
    await this.pipeline.flush().catch(this.noteFailure);
  }
}

/** What every row of the run shares; the header is added once read. */
function rowContextBase(input: RunInput, crash: CrashHook, control: RunControl): Omit<RowContext, 'header'> {
  const { job, deps } = input;
  // Everything per account is per connected account: its gateway (Stripe-Account, its budget), its email locks and
  // its created-email registry (with the pending creates a crashed run is recovered from).
  const accountId = accountScope(deps.config.stripe.accountId, job.data.account);
  return {
    importId: job.data.importId,
    mode: job.data.mode,
    dryRun: job.data.dryRun,
    gateway: deps.gatewayFor(job.data.account),
    locks: createEmailLocks({ redis: deps.redis, queuePrefix: deps.config.queuePrefix, accountId }),
    registry: createCreatedEmails(deps.redis, deps.config.queuePrefix, accountId),
    crash,
    signal: control.signal,
    isCancelled: control.isCancelled,
    ...(input.scan === undefined ? {} : { scan: input.scan }),
    ...(input.auditGroups === undefined ? {} : { auditGroups: input.auditGroups }),
  };
}

/** Reads the file and dispatches its rows (each with a row permit, within the row window); resolves once every dispatched row has settled. */
async function dispatchRows(input: RunInput, pipeline: ResultsPipeline, control: RunControl, ctxBase: Omit<RowContext, 'header'>): Promise<void> {
  const inFlight = input.deps.config.importRowsInFlight;
  const permits = new RowPermits(inFlight);
  const window = new RowWindow(inFlight);
  const firstRow = input.start.checkpoint.rows + 1;
  const running = new Set<Promise<void>>();
  const records = openCsvRecords(input.inputPath);
  const stopped = () => control.cancelled || control.signal.aborted;
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
      if (stopped() || pipeline.endedByAbort) break;
      while (window.mustWait(row, pipeline.firstUnfinished) && !control.signal.aborted) await pipeline.waitForProgress();
      const permit = await permits.take();
      if (stopped()) {
        permit.done();
        break;
      }
      const ctx: RowContext = { ...ctxBase, header };
      const thisRow = row;
      const task = processRow(ctx, permit, thisRow, cells)
        .then((result) => {
          permit.done();
          pipeline.put(thisRow, result);
          if (pipeline.pendingLines >= FLUSH_AT_LINES) void pipeline.flush().catch(control.noteFailure);
        })
        .catch(control.noteFailure);
      running.add(task);
      void task.finally(() => running.delete(task));
    }
  } catch (err) {
    control.noteFailure(err);
  } finally {
    records.destroy();
  }
  await Promise.all(running);
}
