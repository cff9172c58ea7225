import { AUDIT_JOB_OPTIONS, type AuditJobData } from '../../../audits/audit-job-data.ts';
import { newAuditId } from '../../../audits/audit-ids.ts';
import { auditToJson } from '../../../audits/audit-record.ts';
import { AUDIT_KINDS, auditRequestSchema } from '../../../audits/audit-schema.ts';
import { AppError } from '../../../errors.ts';
import { describeIssues } from '../../../exports/export-options.ts';
import { QUEUE_NAMES } from '../../../queues/names.ts';
import { acceptSubmission, openSubmission, submissionKey } from '../../../queues/submission.ts';
import { redisUnavailable } from '../../middleware/redis-gate.ts';
import type { Handler } from '../../handler-types.ts';
import { auditStore } from './lookup.ts';

/** `POST /v1/audits`: validates the kind, records the audit and queues its job (job id = audit id). */
export const createAudit: Handler = async (deps, req) => {
  const parsed = auditRequestSchema.safeParse(req.body ?? {});
  if (!parsed.success) {
    const problems = describeIssues(parsed.error);
    throw new AppError('invalid_request', `Invalid audit: ${problems.join('; ')}`, 400, { problems, kinds: AUDIT_KINDS });
  }
  const id = newAuditId();
  const store = auditStore(deps);
  // A Redis that freezes and wakes after we answered 503 must not run the audit: see queues/submission.ts.
  const submission = submissionKey(deps.config.queuePrefix, 'audit', id);
  await openSubmission(deps.redis, submission);
  await store.create({ id, kind: parsed.data.kind });
  const data: AuditJobData = { auditId: id };
  await deps.queues.audit.add(QUEUE_NAMES.audit, data, { ...AUDIT_JOB_OPTIONS, jobId: id });
  const accepted = await acceptSubmission(deps.redis, submission).catch(() => false);
  if (!accepted) throw redisUnavailable('not_accepted');
  const record = await store.get(id);
  return { status: 202, body: record === null ? { id } : auditToJson(record) };
};
