import { AppError } from '../../../errors.ts';
import type { Handler } from '../../handler-types.ts';
import { deletionStore, withDeletion } from './lookup.ts';
import { presentDeletion } from './present-deletion.ts';

/**
 * `DELETE /v1/deletions/:id`: a queued deletion is removed from the queue and cancelled at once (200); a running one
 * gets the cancel flag, which its job checks before every batch, and answers 202. Customers already deleted stay
 * deleted (Stripe's deletion is permanent); the results say which.
 */
export const cancelDeletion: Handler = withDeletion(async (deps, _req, record) => {
  const store = deletionStore(deps);
  if (record.status === 'cancelled') return { status: 200, body: presentDeletion(record) };
  if (record.status === 'completed' || record.status === 'failed') {
    throw new AppError('deletion_finished', `Deletion ${record.id} is already ${record.status}; there is nothing to cancel.`, 409);
  }
  await store.requestCancel(record.id);
  if (record.status === 'queued') {
    const job = await deps.queues.delete.getJob(record.id);
    // remove() refuses a job a worker holds; that worker then sees the flag before its first batch.
    await job?.remove().catch(() => undefined);
    await store.cancelIfQueued(record.id);
  }
  const now = (await store.get(record.id)) ?? record;
  return { status: now.status === 'cancelled' ? 200 : 202, body: presentDeletion(now) };
});
