import { rm } from 'node:fs/promises';
import { UnrecoverableError, type Job, type Processor } from 'bullmq';
import { auditDir, auditFileName } from '../src/audits/audit-paths.ts';
import type { AuditJobData } from '../src/audits/audit-job-data.ts';
import type { AuditRecord } from '../src/audits/audit-record.ts';
import type { AuditStatus } from '../src/audits/audit-schema.ts';
import { AuditStore } from '../src/audits/audit-store.ts';
import type { WorkerDeps } from '../src/deps.ts';
import type { Logger } from '../src/logger.ts';
import { QUEUE_NAMES } from '../src/queues/names.ts';
import { isShutdown, requeueOnShutdown } from '../src/queues/requeue-on-shutdown.ts';
import { REFUSED_SUBMISSION, settleSubmission, submissionKey } from '../src/queues/submission.ts';
import { describeStripeError, stripeErrorStatus } from '../src/stripe/stripe-errors.ts';
import { publishAuditGroups } from './audit/publish-groups.ts';
import { writeAuditFile } from './audit/write-audit-file.ts';
import { createProgressReporter } from './export/progress-reporter.ts';
import { EmailIndex } from './walk/email-index.ts';
import { WALK_CANCELLED, walkCustomers } from './walk/walk-customers.ts';

export { AUDIT_WORKER_OPTIONS, type AuditJobData } from '../src/audits/audit-job-data.ts';

/** The return value of an audit job. */
export interface AuditSummary {
  auditId: string;
  status: AuditStatus;
  customers: number;
  groups: number;
}

const summaryOf = (record: AuditRecord): AuditSummary => ({
  auditId: record.id,
  status: record.status,
  customers: record.counts.customers,
  groups: record.counts.groups,
});

const TERMINAL: readonly AuditStatus[] = ['completed', 'failed', 'cancelled'];

/** Drops the index, the walk plan and (unless kept) the audit's folder. */
async function discard(deps: WorkerDeps, index: EmailIndex, id: string, keepFile: boolean): Promise<void> {
  await index.clear();
  if (!keepFile) await rm(auditDir(deps.config.dataDir, id), { recursive: true, force: true });
}

/** Stripe's 4xx other than 429 and 409 answer the same on every retry (a revoked key): fail at once. */
function unrecoverable(err: unknown): UnrecoverableError | null {
  if (err instanceof UnrecoverableError) return err;
  const status = stripeErrorStatus(err);
  if (status !== undefined && status >= 400 && status < 500 && status !== 429 && status !== 409) {
    return new UnrecoverableError(`Stripe refused the audit's request: ${describeStripeError(err)}`);
  }
  return null;
}

/** Why a job does not run: already over, or its submission was refused. The summary to return, or null to run. */
async function refuseToRun(deps: WorkerDeps, store: AuditStore, record: AuditRecord, logger: Logger, signal?: AbortSignal): Promise<AuditSummary | null> {
  if (TERMINAL.includes(record.status)) return summaryOf(record);
  if ((await settleSubmission(deps.redis, submissionKey(deps.config.queuePrefix, 'audit', record.id), signal)) === 'refused') {
    logger.warn('audit not run: its submission was never accepted (the client was answered 503)');
    await store.setUnlessCancelled(record.id, { status: 'failed', finished_at: Date.now(), error: REFUSED_SUBMISSION });
    return summaryOf((await store.get(record.id)) ?? record);
  }
  if (!(await store.markRunning(record.id))) return summaryOf((await store.get(record.id)) ?? record);
  return null;
}

/** Walks every customer into the index (resuming from its checkpoint), then writes the groups' file. */
async function runAudit(deps: WorkerDeps, store: AuditStore, index: EmailIndex, job: Job<AuditJobData>, signal?: AbortSignal): Promise<boolean> {
  const id = job.data.auditId;
  const snapshot = await store.fixSnapshot(id, Math.floor(Date.now() / 1000));
  const reporter = createProgressReporter((progress) => job.updateProgress({ ...progress, learned_budget: deps.gateway.learnedBudgets() }));
  await walkCustomers({
    redis: deps.redis,
    keys: { slices: index.keys.slices, record: store.key(id) },
    gateway: deps.gateway,
    inFlight: deps.config.exportPagesInFlight,
    range: { gte: 0, lte: snapshot },
    consume: (customers) => index.add(customers),
    onProgress: (totals) => reporter.update({ ...totals, bytes: 0 }),
    ...(signal === undefined ? {} : { signal }),
  });
  const name = auditFileName(id);
  const file = await writeAuditFile(deps.redis, index, auditDir(deps.config.dataDir, id), name);
  // Before the record says completed: a completed audit's groups are always the ones upsert imports skip.
  await publishAuditGroups(deps.redis, deps.config.queuePrefix, deps.config.stripe.accountId, id, index);
  return store.setUnlessCancelled(id, {
    status: 'completed',
    finished_at: Date.now(),
    file_name: name,
    file_bytes: file.bytes,
    groups: file.groups,
    customers_in_groups: file.customersInGroups,
    error: '',
  });
}

/**
 * The `audit-customers` processor. Safe to run again for the same job at any point (retry, a stalled job taken over
 * after a kill -9, requeue on shutdown): the walk resumes from its checkpointed slices, the index ignores pages it
 * already holds, and the file is written again from the index.
 */
export function createAuditProcessor(deps: WorkerDeps): Processor<AuditJobData, AuditSummary> {
  const store = new AuditStore(deps.redis, deps.config.queuePrefix);
  return async (job, token, signal) => {
    const id = job.data.auditId;
    const record = await store.get(id);
    if (record === null) throw new UnrecoverableError(`audit ${id} has no record (deleted from Redis?)`);
    const logger = deps.logger.child({ queue: QUEUE_NAMES.audit, jobId: job.id, auditId: id });
    const refused = await refuseToRun(deps, store, record, logger, signal);
    if (refused !== null) return refused;
    const index = new EmailIndex(deps.redis, deps.config.queuePrefix, id, true);
    const startedAt = Date.now();
    const label = `attempt ${job.attemptsMade + 1} of ${job.opts.attempts ?? 1}`;
    logger.info({ kind: record.kind, attempt: label }, 'audit started');
    try {
      const done = await runAudit(deps, store, index, job, signal);
      await discard(deps, index, id, done);
    } catch (caught) {
      if (isShutdown(signal)) {
        logger.info('worker shutting down: audit checkpointed and handed back to the queue');
        return requeueOnShutdown(job, token);
      }
      if (caught === WALK_CANCELLED) {
        await discard(deps, index, id, false);
        return summaryOf((await store.get(id)) ?? record);
      }
      const err = unrecoverable(caught) ?? caught;
      const message = err instanceof Error ? err.message : describeStripeError(err);
      const last = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      logger.warn({ attempt: label, ms: Date.now() - startedAt, err: { message } }, last ? 'audit failed' : 'audit attempt failed');
      if (last) {
        await store.setUnlessCancelled(id, { status: 'failed', finished_at: Date.now(), error: message });
        await discard(deps, index, id, false).catch(() => undefined);
      } else {
        await store.setUnlessCancelled(id, { error: `${label} failed, will retry from the checkpoint: ${message}` });
      }
      throw err;
    }
    const final = (await store.get(id)) ?? record;
    logger.info({ status: final.status, customers: final.counts.customers, groups: final.counts.groups, ms: Date.now() - startedAt }, 'audit finished');
    return summaryOf(final);
  };
}
