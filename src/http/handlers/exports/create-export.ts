import { EXPORT_JOB_OPTIONS, type ExportJobData } from '../../../exports/export-job-data.ts';
import { newExportId } from '../../../exports/export-ids.ts';
import { exportOptionsSchema, parseOrThrow } from '../../../exports/export-options.ts';
import { exportToJson } from '../../../exports/export-record.ts';
import { QUEUE_NAMES } from '../../../queues/names.ts';
import { acceptSubmission, openSubmission, submissionKey } from '../../../queues/submission.ts';
import { requireScimToken } from '../../../scim/require-scim-token.ts';
import { redisUnavailable } from '../../middleware/redis-gate.ts';
import type { Handler } from '../../handler-types.ts';
import { exportStore } from './lookup.ts';

/** `POST /v1/exports`: validates the options, records the export and queues its job (job id = export id). */
export const createExport: Handler = async (deps, req) => {
  const options = parseOrThrow(exportOptionsSchema, req.body);
  if (options.object === 'team_members') requireScimToken(deps.config, "object 'team_members'");
  const id = newExportId();
  const store = exportStore(deps);
  // A Redis that freezes and wakes after we answered 503 must not run the export: see queues/submission.ts.
  const submission = submissionKey(deps.config.queuePrefix, 'export', id);
  await openSubmission(deps.redis, submission);
  await store.create({ id, options });
  const data: ExportJobData = { exportId: id, ...(options.account === undefined ? {} : { account: options.account }) };
  await deps.queues.export.add(QUEUE_NAMES.export, data, { ...EXPORT_JOB_OPTIONS, jobId: id });
  const accepted = await acceptSubmission(deps.redis, submission).catch(() => false);
  if (!accepted) throw redisUnavailable('not_accepted');
  const record = await store.get(id);
  return { status: 202, body: record === null ? { id } : exportToJson(record) };
};
