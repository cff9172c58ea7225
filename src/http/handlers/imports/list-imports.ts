import { importIndexKey } from '../../../imports/import-keys.ts';
import { isImportId } from '../../../imports/import-paths.ts';
import type { ImportRecord } from '../../../imports/import-types.ts';
import { newestIdsPage, parseListParams } from '../../list-params.ts';
import type { ImportHandler } from './handler-types.ts';
import { presentImport } from './present-import.ts';

/** `GET /v1/imports?limit=N&starting_after=imp_…` (limit 1–100, default 20): the most recent imports, newest first. */
export const listImports: ImportHandler = async ({ deps, store }, req) => {
  const params = parseListParams(req.query as Record<string, unknown>, isImportId, 'an import');
  const ids = await newestIdsPage(deps.redis, importIndexKey(deps.config.queuePrefix), params);
  const records = await Promise.all(ids.map((id) => store.get(id)));
  return { status: 200, body: { object: 'list', data: records.filter((r): r is ImportRecord => r !== null).map(presentImport) } };
};
