import type { ImportRecord } from '../../../imports/import-types.ts';

/** Where an import and its results are read. */
function importLinks(id: string): { self: string; results: string } {
  return { self: `/v1/imports/${id}`, results: `/v1/imports/${id}/results` };
}

/** An import as the API shows it: the record plus links. */
export function presentImport(record: ImportRecord): ImportRecord & { links: { self: string; results: string } } {
  return { ...record, links: importLinks(record.id) };
}

/** The answer to an accepted upload (the `ImportCreated` schema): what was stored, before any row ran. */
export function presentCreatedImport(record: ImportRecord): Pick<
  ImportRecord,
  'id' | 'status' | 'mode' | 'dry_run' | 'file_name' | 'size_bytes' | 'created_at'
> & { links: { self: string; results: string } } {
  const { id, status, mode, dry_run, file_name, size_bytes, created_at } = record;
  return { id, status, mode, dry_run, file_name, size_bytes, created_at, links: importLinks(id) };
}
