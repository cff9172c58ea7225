import { AppError } from '../../../errors.ts';
import type { Handler } from '../../handler-types.ts';
import { importStore, withImport } from './lookup.ts';
import { presentImport } from './present-import.ts';

/**
 * `DELETE /v1/imports/:id`: a queued import is removed from the queue and cancelled at once (200); a running one
 * gets the cancel flag, which its job checks before every write, and answers 202 while it winds down. The
 * results written so far stay.
 */
export const cancelImport: Handler = withImport(async (deps, _req, record) => {
  const store = importStore(deps);
  if (record.status === 'cancelled') return { status: 200, body: presentImport(record) };
  if (record.status === 'completed' || record.status === 'failed') {
    throw new AppError('import_finished', `Import ${record.id} is already ${record.status}; there is nothing to cancel.`, 409);
  }
  await store.requestCancel(record.id);
  if (record.status === 'queued') {
    const job = await deps.queues.import.getJob(record.id);
    // remove() refuses a job a worker holds; that worker then sees the flag before its first write.
    await job?.remove().catch(() => undefined);
    await store.cancelIfQueued(record.id);
  }
  const now = (await store.get(record.id)) ?? record;
  return { status: now.status === 'cancelled' ? 200 : 202, body: presentImport(now) };
});
