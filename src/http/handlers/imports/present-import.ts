import type { ImportCreatedJson, ImportJson } from '../../../imports/import-schema.ts';
import type { ImportRecord } from '../../../imports/import-types.ts';

/** Where an import and its results are read. */
function importLinks(id: string): ImportJson['links'] {
  return { self: `/v1/imports/${id}`, results: `/v1/imports/${id}/results` };
}

/** An import as the API shows it (`importSchema`): the record plus links. */
export function presentImport(record: ImportRecord): ImportJson {
  return { ...record, links: importLinks(record.id) };
}

/** The answer to an accepted upload (`importCreatedSchema`): what was stored, before any row ran. */
export function presentCreatedImport(record: ImportRecord): ImportCreatedJson {
  const { id, status, mode, dry_run, account, file_name, size_bytes, created_at } = record;
  return { id, status, mode, dry_run, account, file_name, size_bytes, created_at, links: importLinks(id) };
}
