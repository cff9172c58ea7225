import { importIndexKey } from '../../../imports/import-keys.ts';
import { isImportId } from '../../../imports/import-paths.ts';
import type { ImportListJson } from '../../../imports/import-schema.ts';
import type { ImportRecord } from '../../../imports/import-types.ts';
import { newestIdsPage, parseListParams } from '../../list-params.ts';
import type { Handler } from '../../handler-types.ts';
import { importStore } from './lookup.ts';
import { presentImport } from './present-import.ts';

/** `GET /v1/imports?limit=N&starting_after=imp_…` (limit 1–100, default 20): the most recent imports, newest first. */
export const listImports: Handler = async (deps, req) => {
  const params = parseListParams(req.query, isImportId, 'an import');
  const store = importStore(deps);
  const ids = await newestIdsPage(deps.redis, importIndexKey(deps.config.queuePrefix), params);
  const records = await Promise.all(ids.map((id) => store.get(id)));
  const body: ImportListJson = { object: 'list', data: records.filter((r): r is ImportRecord => r !== null).map(presentImport) };
  return { status: 200, body };
};
