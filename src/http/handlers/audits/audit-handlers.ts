import { join } from 'node:path';
import { auditDir } from '../../../audits/audit-paths.ts';
import { auditToJson } from '../../../audits/audit-record.ts';
import { AppError } from '../../../errors.ts';
import type { Handler } from '../../handler-types.ts';
import { auditStore, withAudit } from './lookup.ts';

/** `GET /v1/audits/:id`: status and counts (customers after every group of pages, groups once written). */
export const getAudit: Handler = withAudit((_deps, _req, record) => ({ status: 200, body: auditToJson(record) }));

/** `GET /v1/audits/:id/file`: the CSV of the groups once the audit is completed (409 before). */
export const downloadAudit: Handler = withAudit((deps, _req, record) => {
  if (record.status !== 'completed' || record.fileName === null) {
    throw new AppError('audit_not_ready', `Audit ${record.id} is ${record.status}: its file is available once the audit is completed`, 409, {
      status: record.status,
      counts: auditToJson(record).counts,
    });
  }
  return {
    status: 200,
    file: {
      path: join(auditDir(deps.config.dataDir, record.id), record.fileName),
      name: record.fileName,
      contentType: 'text/csv; charset=utf-8',
      length: record.fileBytes ?? 0,
    },
  };
});

/** `DELETE /v1/audits/:id`: cancels a queued or running audit (a running one stops at its next group of pages). */
export const cancelAudit: Handler = withAudit(async (deps, _req, record) => {
  const store = auditStore(deps);
  const before = await store.cancel(record.id);
  if (before !== 'queued' && before !== 'running') {
    throw new AppError('audit_finished', `Audit ${record.id} is ${before ?? record.status}: there is nothing to cancel`, 409);
  }
  // A job that a worker took meanwhile is locked and cannot be removed: it sees the cancel when it starts.
  if (before === 'queued') await deps.queues.audit.remove(record.id).catch(() => 0);
  const after = await store.get(record.id);
  return { status: 200, body: auditToJson(after ?? record) };
});
