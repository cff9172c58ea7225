import { access } from 'node:fs/promises';
import { UnrecoverableError, type Job, type Processor, type WorkerOptions } from 'bullmq';
import type { WorkerDeps } from '../src/deps.ts';
import type { ImportJobData } from '../src/imports/import-job-data.ts';
import { inputPath, resultsPath } from '../src/imports/import-paths.ts';
import { ImportStore, type RunStart } from '../src/imports/import-store.ts';
import { emptyCounts, type ImportStatus, type ImportSummary } from '../src/imports/import-types.ts';
import { openResultsFile } from '../src/imports/results-file.ts';
import type { Logger } from '../src/logger.ts';
import { accountScope } from '../src/redis-keys.ts';
import { QUEUE_NAMES } from '../src/queues/names.ts';
import { isShutdown, requeueOnShutdown } from '../src/queues/requeue-on-shutdown.ts';
import { REFUSED_SUBMISSION, settleSubmission, submissionKey } from '../src/queues/submission.ts';
import { countRows, type RowScan } from './import/csv-records.ts';
import { runRows } from './import/run-rows.ts';
import { SupersededRunError } from './import/results-pipeline.ts';
import { createProgressReporter } from './export/progress-reporter.ts';
import { IndexEvents } from './import/index-events.ts';
import { prepareScanIndex, type ScanIndex } from './import/scan-index.ts';
import { currentAuditGroups, type AuditGroups } from './audit/publish-groups.ts';

export type { ImportJobData } from '../src/imports/import-job-data.ts';
export type { ImportSummary } from '../src/imports/import-types.ts';

/**
 * Worker options for the import queue. A worker killed with -9 stops renewing its job lock; after lockDuration
 * the lock is gone and the next stalled check (every stalledInterval, by any worker) hands the job to another
 * worker, which resumes from the checkpoint — so recovery takes at most lockDuration + 2 × stalledInterval.
 * Resuming is safe any number of times, hence the generous maxStalledCount.
 */
export const IMPORT_WORKER_OPTIONS = {
  lockDuration: 15_000,
  stalledInterval: 5_000,
  maxStalledCount: 25,
} satisfies Partial<WorkerOptions>;

function summary(importId: string, status: ImportStatus, counts: ImportSummary['counts'], startedAt: number, rows: number, resumed: boolean): ImportSummary {
  const ms = Date.now() - startedAt;
  return { import_id: importId, status, counts, duration_ms: ms, rate_per_s: ms > 0 ? Math.round((rows / ms) * 10_000) / 10 : 0, resumed };
}

/** An import that cannot run: recorded as failed, and BullMQ does not retry it. */
async function giveUp(store: ImportStore, importId: string, run: number, message: string): Promise<never> {
  await store.finish(importId, run, 'failed', message);
  throw new UnrecoverableError(message);
}

/** A run that may go ahead: its start, the input file and its rows. */
interface ReadyRun {
  start: RunStart;
  input: string;
  scan: RowScan;
  resumed: boolean;
  /** dedupe=scan: the account's email index, brought up to date by {@link scanBeforeRows}, and its events. */
  index?: ScanIndex;
  /** Upsert: the latest completed audit's duplicate groups, skipped as ambiguous. */
  auditGroups?: AuditGroups;
}

/**
 * Everything before the rows: the submission was accepted, this run owns the import, the import was not cancelled
 * and the file is there and countable. Returns the summary of an import that ends here instead.
 */
async function prepareRun(deps: WorkerDeps, store: ImportStore, job: Job<ImportJobData>, logger: Logger, signal: AbortSignal | undefined): Promise<ReadyRun | ImportSummary> {
  const { importId } = job.data;
  const startedAt = Date.now();
  const submission = submissionKey(deps.config.queuePrefix, 'import', importId);
  if ((await settleSubmission(deps.redis, submission, signal)) === 'refused') {
    logger.warn('import not run: its submission was never accepted (the client was answered 503)');
    await store.finish(importId, null, 'failed', REFUSED_SUBMISSION);
    const record = await store.get(importId);
    return summary(importId, 'failed', record?.counts ?? emptyCounts(), startedAt, 0, false);
  }
  const start = await store.startRun(importId);
  if (!start) {
    const record = await store.get(importId);
    if (!record) throw new UnrecoverableError(`import ${importId} has no record`);
    logger.info({ status: record.status }, 'import already ended');
    return summary(importId, record.status, record.counts, startedAt, 0, false);
  }
  const { run, checkpoint } = start;
  const resumed = checkpoint.rows > 0 || run > 1;
  if (start.record.cancel_requested) {
    await store.finish(importId, run, 'cancelled');
    return summary(importId, 'cancelled', checkpoint.counts, startedAt, 0, resumed);
  }
  const input = inputPath(deps.config.dataDir, importId);
  if (!(await access(input).then(() => true, () => false))) {
    return giveUp(store, importId, run, 'the uploaded file is missing from DATA_DIR');
  }
  try {
    return { start, input, scan: await countRows(input), resumed };
  } catch (err) {
    return giveUp(store, importId, run, `the uploaded file cannot be read from DATA_DIR: ${(err as Error).message}`);
  }
}

/**
 * dedupe=scan: walks the account's customers into its email index before the first row (or reuses a fresh one).
 * A walk interrupted by a shutdown hands the job back; any other failure is the attempt's (retried from the walk's
 * checkpoint, recorded on the import at the last attempt).
 */
async function scanBeforeRows(deps: WorkerDeps, store: ImportStore, job: Job<ImportJobData>, ready: ReadyRun, logger: Logger, signal: AbortSignal | undefined): Promise<ScanIndex> {
  try {
    const startedAt = Date.now();
    // Bull Board shows the walk while no row has run yet.
    const reporter = createProgressReporter((p) => job.updateProgress({ phase: 'dedupe-scan', customers: p.customers, pages: p.pages, rate_per_s: p.rate }));
    const { index, walk } = await prepareScanIndex({
      redis: deps.redis,
      prefix: deps.config.queuePrefix,
      // A connected account's import scans that account's customers, into an index of its own.
      accountId: accountScope(deps.config.stripe.accountId, job.data.account),
      gateway: deps.gatewayFor(job.data.account),
      inFlight: deps.config.exportPagesInFlight,
      maxAgeS: deps.config.dedupeIndexMaxAgeS,
      logger,
      onProgress: (totals) => reporter.update({ ...totals, bytes: 0 }),
      ...(signal === undefined ? {} : { signal }),
    });
    // The changes made since the walk, before the first row.
    const events = new IndexEvents(deps.redis, index, deps.gatewayFor(job.data.account), logger);
    const current = await events.tryCatchUp(signal);
    logger.info({ walk, ms: Date.now() - startedAt, events: current }, 'dedupe=scan: email index ready');
    return { index, events };
  } catch (err) {
    if (isShutdown(signal)) throw err;
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    logger.error({ err, attempt: job.attemptsMade + 1, attempts: job.opts.attempts ?? 1 }, 'dedupe=scan walk failed');
    if (last) await store.finish(job.data.importId, ready.start.run, 'failed', `the dedupe=scan walk of every customer failed: ${(err as Error).message}`);
    throw err;
  }
}

/** Runs the rows into results.csv; a failure on the job's last attempt is recorded on the import. */
async function runIntoResults(deps: WorkerDeps, store: ImportStore, job: Job<ImportJobData>, ready: ReadyRun, logger: Logger, signal: AbortSignal | undefined) {
  const { start, input, scan, index, auditGroups } = ready;
  const file = await openResultsFile(resultsPath(deps.config.dataDir, job.data.importId), start.checkpoint.bytes);
  try {
    // dedupe=scan: the index takes the account's changes every EVENT_POLL_MS while the rows run.
    ready.index?.events.start(signal);
    return await runRows({ job, deps, store, start, total: scan.rows, file, inputPath: input, logger, signal, ...(index ? { scan: index } : {}), ...(auditGroups ? { auditGroups } : {}) });
  } catch (err) {
    if (err instanceof SupersededRunError) throw err;
    // BullMQ does not retry an UnrecoverableError: this attempt is the last.
    const last = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    logger.error({ err, attempt: job.attemptsMade + 1, attempts: job.opts.attempts ?? 1 }, 'import run failed');
    if (last) await store.finish(job.data.importId, start.run, 'failed', `the import stopped: ${(err as Error).message}`);
    throw err;
  } finally {
    await ready.index?.events.stop();
    await file.close();
  }
}

/**
 * The processor of the `import-customers` queue: one CSV file into Stripe Customers, every row reported once in
 * results.csv, resumable from its checkpoint after a crash or a shutdown. Bad rows are failed rows, never a
 * failed job; the job fails only when it can never succeed (the input file is gone, or a record is malformed CSV:
 * the rows before it are still processed).
 */
export function createImportProcessor(deps: WorkerDeps): Processor<ImportJobData, ImportSummary> {
  const store = new ImportStore(deps.redis, deps.config.queuePrefix);
  // Three declared parameters: BullMQ passes an AbortSignal only to processors whose length is at least 3.
  return async function processImport(job: Job<ImportJobData>, token: string | undefined, signal: AbortSignal | undefined): Promise<ImportSummary> {
    const { importId } = job.data;
    const startedAt = Date.now();
    // `account` names the platform in every line of the process; a job on a connected account adds which one.
    const connected = job.data.account === undefined ? {} : { connectedAccount: job.data.account };
    const logger = deps.logger.child({ queue: QUEUE_NAMES.import, jobId: job.id, importId, ...connected });
    const ready = await prepareRun(deps, store, job, logger, signal);
    if (!('start' in ready)) return ready;
    const { start: { run, checkpoint }, scan, resumed } = ready;
    // A malformed record ends the file: the rows before it run and get their result lines, then the job fails
    // naming the record (and is not retried: the file will never parse).
    const total = scan.rows;
    logger.info({ total, resumeAfterRow: checkpoint.rows, run, dryRun: job.data.dryRun, mode: job.data.mode }, resumed ? 'import resumed' : 'import started');
    await store.saveCheckpoint(importId, run, { ...checkpoint, counts: { ...checkpoint.counts, total } });
    if (job.data.mode === 'upsert') {
      // Audits walk the platform's customers: a connected account's import is not held to their groups.
      if (job.data.account === undefined) ready.auditGroups = (await currentAuditGroups(deps.redis, deps.config.queuePrefix, deps.config.stripe.accountId)) ?? undefined;
    }
    if (job.data.dedupe === 'scan') {
      try {
        ready.index = await scanBeforeRows(deps, store, job, ready, logger, signal);
      } catch (err) {
        if (isShutdown(signal)) return requeueOnShutdown(job, token);
        throw err;
      }
    }

    const { end, counts, rowsThisRun } = await runIntoResults(deps, store, job, ready, logger, signal);
    if (end === 'aborted') {
      logger.info({ written: counts.processed, total }, 'import checkpointed for another worker');
      if (isShutdown(signal)) return requeueOnShutdown(job, token);
      throw new Error('the import was aborted before it finished; it resumes from its checkpoint');
    }
    if (end === 'completed' && scan.malformed) {
      logger.warn({ counts, malformed: scan.malformed }, 'import failed: malformed CSV');
      return giveUp(store, importId, run, `${scan.malformed.message}; the ${total} rows before it were processed`);
    }
    await store.finish(importId, run, end);
    logger.info({ counts, rowsThisRun, ms: Date.now() - startedAt }, `import ${end}`);
    return summary(importId, end, counts, startedAt, rowsThisRun, resumed);
  };
}
