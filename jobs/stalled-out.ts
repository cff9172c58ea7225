import type { Job } from 'bullmq';
import type { AuditJobData } from '../src/audits/audit-job-data.ts';
import { AuditStore } from '../src/audits/audit-store.ts';
import type { WorkerDeps } from '../src/deps.ts';
import { exportIdForJob } from '../src/exports/export-ids.ts';
import type { DeletionJobData } from '../src/deletions/deletion-job-data.ts';
import { DeletionStore } from '../src/deletions/deletion-store.ts';
import type { ExportJobData } from '../src/exports/export-job-data.ts';
import { ExportStore } from '../src/exports/export-store.ts';
import type { ImportJobData } from '../src/imports/import-job-data.ts';
import { ImportStore } from '../src/imports/import-store.ts';
import type { DeprovisionJobData } from '../src/deprovisions/deprovision-job.ts';
import { DeprovisionStore } from '../src/deprovisions/deprovision-store.ts';

/** BullMQ's reason when a job's worker died (lock lost) more often than the queue's maxStalledCount. */
export const STALLED_OUT_REASON = 'job stalled more than allowable limit';

const message = (maxStalledCount: number) =>
  `a worker died while running this job more than ${maxStalledCount} times (BullMQ's maxStalledCount): it was given up; ` +
  'look for a crash loop (out of memory, a killed container) in the worker logs';

/**
 * BullMQ fails a job that stalled too often without calling its processor: these record that ending, so the
 * import or export does not stay "running" forever.
 */
export const STALLED_OUT = {
  import: (deps: WorkerDeps, maxStalledCount: number) => async (job: Job<ImportJobData>) => {
    const store = new ImportStore(deps.redis, deps.config.queuePrefix);
    const record = await store.get(job.data.importId);
    if (record && (record.status === 'running' || record.status === 'queued')) {
      await store.finish(job.data.importId, null, 'failed', message(maxStalledCount));
    }
  },
  export: (deps: WorkerDeps, maxStalledCount: number) => async (job: Job<ExportJobData>) => {
    const id = 'exportId' in job.data ? job.data.exportId : job.id === undefined ? null : exportIdForJob(job.id);
    if (id === null) return;
    const store = new ExportStore(deps.redis, deps.config.queuePrefix);
    const record = await store.get(id);
    if (record && (record.status === 'running' || record.status === 'queued')) {
      await store.setUnlessCancelled(id, { status: 'failed', finished_at: Date.now(), error: message(maxStalledCount) });
    }
  },
  delete: (deps: WorkerDeps, maxStalledCount: number) => async (job: Job<DeletionJobData>) => {
    const store = new DeletionStore(deps.redis, deps.config.queuePrefix);
    const record = await store.get(job.data.deletionId);
    if (record && (record.status === 'running' || record.status === 'queued')) {
      await store.finish(job.data.deletionId, null, 'failed', message(maxStalledCount));
    }
  },
  audit: (deps: WorkerDeps, maxStalledCount: number) => async (job: Job<AuditJobData>) => {
    const store = new AuditStore(deps.redis, deps.config.queuePrefix);
    const record = await store.get(job.data.auditId);
    if (record && (record.status === 'running' || record.status === 'queued')) {
      await store.setUnlessCancelled(record.id, { status: 'failed', finished_at: Date.now(), error: message(maxStalledCount) });
    }
  },
  deprovision: (deps: WorkerDeps, maxStalledCount: number) => async (job: Job<DeprovisionJobData>) => {
    const store = new DeprovisionStore(deps.redis, deps.config.queuePrefix);
    const record = await store.get(job.data.deprovisionId);
    if (record && (record.status === 'running' || record.status === 'queued')) {
      await store.finish(record.id, 'failed', message(maxStalledCount));
    }
  },
};
