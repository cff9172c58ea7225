import type { AppDeps } from '../../../deps.ts';
import { notFound } from '../../../errors.ts';
import { isImportId } from '../../../imports/import-paths.ts';
import { ImportStore } from '../../../imports/import-store.ts';
import type { ImportRecord } from '../../../imports/import-types.ts';
import type { GuardedHandler, Handler } from '../../handler-types.ts';

export const importStore = (deps: AppDeps): ImportStore => new ImportStore(deps.redis, deps.config.queuePrefix);

/** The import named by the URL, or a 404 (ids of the wrong shape never reach Redis). */
async function requireImport(deps: AppDeps, id: string | undefined): Promise<ImportRecord> {
  const record = id !== undefined && isImportId(id) ? await importStore(deps).get(id) : null;
  if (record === null) throw notFound('Import', id ?? '');
  return record;
}

/** A guard: the import named by `:id` is handed to `handler`, or the request answers 404. */
export const withImport =
  (handler: GuardedHandler<ImportRecord>): Handler =>
  async (deps, req) =>
    handler(deps, req, await requireImport(deps, req.params.id));
