import type { AppDeps } from '../../../deps.ts';
import { isDeletionId } from '../../../deletions/deletion-paths.ts';
import { DeletionStore } from '../../../deletions/deletion-store.ts';
import { recordGuard } from '../../record-guard.ts';

export const deletionStore = (deps: AppDeps): DeletionStore => new DeletionStore(deps.redis, deps.config.queuePrefix);

/** A guard: the deletion named by `:id` is handed to the handler, or the request answers 404. */
export const withDeletion = recordGuard('Deletion', isDeletionId, (deps, id) => deletionStore(deps).get(id));
