import { stat } from 'node:fs/promises';
import { DEPROVISION_RESULTS_HEADER_LINE } from '../../../deprovisions/deprovision-results.ts';
import { deprovisionResultsPath } from '../../../deprovisions/deprovision-paths.ts';
import { deprovisionToJson } from '../../../deprovisions/deprovision-store.ts';
import { AppError } from '../../../errors.ts';
import type { Handler } from '../../handler-types.ts';
import { deprovisionStore, withDeprovision } from './lookup.ts';

/** `GET /v1/team-member-deprovisions/:id`: status, counts and the summary (with the API-key warning). */
export const getDeprovision: Handler = withDeprovision((_deps, _req, record) => ({ status: 200, body: deprovisionToJson(record) }));

/** `GET /v1/team-member-deprovisions/:id/results`: results.csv up to the last checkpoint (each row once). */
export const deprovisionResults: Handler = withDeprovision(async (deps, _req, record) => {
  const path = deprovisionResultsPath(deps.config.dataDir, record.id);
  const size = record.resultsBytes > 0 ? await stat(path).then((s) => s.size, () => 0) : 0;
  const download = { name: `${record.id}-results.csv`, contentType: 'text/csv; charset=utf-8' };
  if (size === 0) return { status: 200, file: { ...download, text: DEPROVISION_RESULTS_HEADER_LINE } };
  return { status: 200, file: { ...download, path, end: Math.min(record.resultsBytes, size) - 1 } };
});

/**
 * `DELETE /v1/team-member-deprovisions/:id`: a queued one is removed and cancelled at once (200); a running one
 * stops before its next row (202). Users already deactivated stay so: deactivation is undone in the Dashboard.
 */
export const cancelDeprovision: Handler = withDeprovision(async (deps, _req, record) => {
  const store = deprovisionStore(deps);
  if (record.status === 'cancelled') return { status: 200, body: deprovisionToJson(record) };
  if (record.status === 'completed' || record.status === 'failed') {
    throw new AppError('deprovision_finished', `Team member deprovision ${record.id} is already ${record.status}; there is nothing to cancel.`, 409);
  }
  await store.requestCancel(record.id);
  if (record.status === 'queued') {
    const job = await deps.queues.deprovision.getJob(record.id);
    await job?.remove().catch(() => undefined);
    await store.cancelIfQueued(record.id);
  }
  const now = (await store.get(record.id)) ?? record;
  return { status: now.status === 'cancelled' ? 200 : 202, body: deprovisionToJson(now) };
});
