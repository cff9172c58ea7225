import type { AppDeps } from '../../../deps.ts';
import { isImportId } from '../../../imports/import-paths.ts';
import { ImportStore } from '../../../imports/import-store.ts';
import { recordGuard } from '../../record-guard.ts';

export const importStore = (deps: AppDeps): ImportStore => new ImportStore(deps.redis, deps.config.queuePrefix);

/** A guard: the import named by `:id` is handed to the handler, or the request answers 404. */
export const withImport = recordGuard('Import', isImportId, (deps, id) => importStore(deps).get(id));
