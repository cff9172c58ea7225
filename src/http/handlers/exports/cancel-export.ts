import { AppError } from '../../../errors.ts';
import { exportToJson } from '../../../exports/export-record.ts';
import type { Handler } from '../../handler-types.ts';
import { exportStore, withExport } from './lookup.ts';

/**
 * `DELETE /v1/exports/:id`: cancels a queued or running export. The record says cancelled at once; a queued job is
 * removed, a running one stops at its next page and deletes its working files.
 */
export const cancelExport: Handler = withExport(async (deps, _req, record) => {
  const store = exportStore(deps);
  const before = await store.cancel(record.id);
  if (before !== 'queued' && before !== 'running') {
    throw new AppError('export_finished', `Export ${record.id} is ${before ?? record.status}: there is nothing to cancel`, 409);
  }
  if (before === 'queued') {
    // A job that a worker took meanwhile is locked and cannot be removed: it sees the cancel when it starts.
    await deps.queues.export.remove(record.id).catch(() => 0);
  }
  const after = await store.get(record.id);
  return { status: 200, body: exportToJson(after ?? record) };
});
