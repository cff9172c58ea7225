import { access } from 'node:fs/promises';
import { UnrecoverableError, type Job, type Processor, type WorkerOptions } from 'bullmq';
import type { WorkerDeps } from '../src/deps.ts';
import type { DeletionJobData } from '../src/deletions/deletion-job-data.ts';
import { deletionResultsPath, targetsPath } from '../src/deletions/deletion-paths.ts';
import { DeletionStore, type DeletionRunStart } from '../src/deletions/deletion-store.ts';
import { emptyDeletionCounts, type DeletionStatus, type DeletionSummary } from '../src/deletions/deletion-types.ts';
import { inputPath } from '../src/imports/import-paths.ts';
import type { Logger } from '../src/logger.ts';
import { QUEUE_NAMES } from '../src/queues/names.ts';
import { isShutdown, requeueOnShutdown } from '../src/queues/requeue-on-shutdown.ts';
import { REFUSED_SUBMISSION, settleSubmission, submissionKey } from '../src/queues/submission.ts';
import { createCreatedEmails } from './import/created-emails.ts';
import type { TargetContext } from './deletion/process-target.ts';
import { runTargets } from './deletion/run-targets.ts';
import { readApproved, readImportInputs, readTargets, type Target } from './deletion/targets.ts';

export type { DeletionJobData } from '../src/deletions/deletion-job-data.ts';

/** As the import's (jobs/import-customers.ts): a worker killed -9 hands its job on within lockDuration + 2 × stalledInterval. */
export const DELETION_WORKER_OPTIONS = {
  lockDuration: 15_000,
  stalledInterval: 5_000,
  maxStalledCount: 25,
} satisfies Partial<WorkerOptions>;

function summary(start: DeletionRunStart | null, id: string, status: DeletionStatus, counts: DeletionSummary['counts'], startedAt: number): DeletionSummary {
  const resumed = start !== null && (start.checkpoint.rows > 0 || start.run > 1);
  return { deletion_id: id, status, counts, duration_ms: Date.now() - startedAt, resumed };
}

async function giveUp(store: DeletionStore, id: string, run: number, message: string): Promise<never> {
  await store.finish(id, run, 'failed', message);
  throw new UnrecoverableError(message);
}

/** What the confirmed dry run listed; without its results nothing was reviewed, so nothing may be deleted. */
async function approvedBy(store: DeletionStore, start: DeletionRunStart, dataDir: string, dryRunId: string): Promise<Set<string>> {
  try {
    return await readApproved(deletionResultsPath(dataDir, dryRunId));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return giveUp(store, start.record.id, start.run, `the results of the reviewed dry run ${dryRunId} are gone from DATA_DIR: run a new dry run and confirm that one`);
  }
}

function firstRows(targets: readonly Target[]): Map<string, number> {
  const first = new Map<string, number>();
  for (const t of targets) if (t.id !== '' && !first.has(t.id)) first.set(t.id, t.row);
  return first;
}

/** Everything a run needs besides its rows: the targets, and for an undo or a confirmed run what they are checked against. */
async function loadContext(deps: WorkerDeps, store: DeletionStore, start: DeletionRunStart, signal: AbortSignal | undefined): Promise<{ targets: Target[]; ctx: TargetContext }> {
  const { record } = start;
  const { dataDir, queuePrefix, stripe } = deps.config;
  const path = targetsPath(dataDir, record.id);
  if (!(await access(path).then(() => true, () => false))) return giveUp(store, record.id, start.run, 'the targets file is missing from DATA_DIR');
  const targets = await readTargets(path);
  const importId = record.source.import_id;
  // A missing import file (removed from DATA_DIR) leaves every row without its input: each is then kept (see decide).
  const importInputs =
    importId === null
      ? null
      : await readImportInputs(inputPath(dataDir, importId), new Set(targets.map((t) => t.row))).catch((err: unknown) => {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map<number, never>();
          throw err;
        });
  const approved = record.confirm_of === null ? null : { ids: await approvedBy(store, start, dataDir, record.confirm_of), dryRunId: record.confirm_of };
  const ctx: TargetContext = {
    deletionId: record.id,
    dryRun: record.dry_run,
    force: record.force,
    gateway: deps.gateway,
    store,
    registry: createCreatedEmails(deps.redis, queuePrefix, stripe.accountId),
    importInputs,
    firstRowOfId: firstRows(targets),
    approved,
    signal,
  };
  return { targets, ctx };
}

/** Starts the run: the submission was accepted, this run owns the deletion and it was not cancelled. */
async function startRun(deps: WorkerDeps, store: DeletionStore, id: string, logger: Logger, signal: AbortSignal | undefined): Promise<DeletionRunStart | DeletionSummary> {
  const startedAt = Date.now();
  if ((await settleSubmission(deps.redis, submissionKey(deps.config.queuePrefix, 'deletion', id), signal)) === 'refused') {
    logger.warn('deletion not run: its submission was never accepted (the client was answered 503)');
    await store.finish(id, null, 'failed', REFUSED_SUBMISSION);
    return summary(null, id, 'failed', (await store.get(id))?.counts ?? emptyDeletionCounts(), startedAt);
  }
  const start = await store.startRun(id);
  if (!start) {
    const record = await store.get(id);
    if (!record) throw new UnrecoverableError(`deletion ${id} has no record`);
    return summary(null, id, record.status, record.counts, startedAt);
  }
  if (start.record.cancel_requested) {
    await store.finish(id, start.run, 'cancelled');
    return summary(start, id, 'cancelled', start.checkpoint.counts, startedAt);
  }
  return start;
}

/**
 * The processor of the `delete-customers` queue: every target reported once in results.csv, resumable from its
 * checkpoint after a crash (claims in Redis tell a resumed run its own deletions), within the shared write budget.
 */
export function createDeletionProcessor(deps: WorkerDeps): Processor<DeletionJobData, DeletionSummary> {
  const store = new DeletionStore(deps.redis, deps.config.queuePrefix);
  // Three declared parameters: BullMQ passes an AbortSignal only to processors whose length is at least 3.
  return async function processDeletion(job: Job<DeletionJobData>, token: string | undefined, signal: AbortSignal | undefined): Promise<DeletionSummary> {
    const id = job.data.deletionId;
    const startedAt = Date.now();
    const logger = deps.logger.child({ queue: QUEUE_NAMES.delete, jobId: job.id, deletionId: id });
    const start = await startRun(deps, store, id, logger, signal);
    if (!('run' in start)) return start;
    const { targets, ctx } = await loadContext(deps, store, start, signal);
    logger.info({ total: targets.length, resumeAfterRow: start.checkpoint.rows, run: start.run, dryRun: ctx.dryRun }, 'deletion started');
    const { end, counts } = await runTargets({ store, start, targets, ctx, resultsPath: deletionResultsPath(deps.config.dataDir, id), job, inFlight: deps.config.importRowsInFlight,
      onWritten: (outcomes) => {
        for (const o of outcomes) deps.metrics?.deletionRows.inc({ outcome: o.action });
      },
    });
    if (end === 'aborted') {
      if (isShutdown(signal)) return requeueOnShutdown(job, token);
      throw new Error('the deletion was aborted before it finished; it resumes from its checkpoint');
    }
    if (end === 'superseded') throw new Error('another run owns this deletion now');
    await store.finish(id, start.run, end);
    if (end === 'completed' && !ctx.dryRun && start.record.source.import_id !== null) await store.markUndone(start.record.source.import_id, id);
    logger.info({ counts, ms: Date.now() - startedAt }, `deletion ${end}`);
    return summary(start, id, end, counts, startedAt);
  };
}
