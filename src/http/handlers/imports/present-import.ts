import { AppError } from '../../../errors.ts';
import { isImportId } from '../../../imports/import-paths.ts';
import type { ImportStore } from '../../../imports/import-store.ts';
import type { ImportRecord } from '../../../imports/import-types.ts';

/** An import as the API shows it: the record plus links. */
export function presentImport(record: ImportRecord): ImportRecord & { links: { self: string; results: string } } {
  return { ...record, links: { self: `/v1/imports/${record.id}`, results: `/v1/imports/${record.id}/results` } };
}

/** The record of `:id`, or a 404 AppError. */
export async function findImport(store: ImportStore, id: unknown): Promise<ImportRecord> {
  const record = typeof id === 'string' && isImportId(id) ? await store.get(id) : null;
  if (!record) throw new AppError('not_found', `Import ${String(id)} does not exist.`, 404);
  return record;
}
