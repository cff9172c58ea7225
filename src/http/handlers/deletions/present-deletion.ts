import type { DeletionJson } from '../../../deletions/deletion-schema.ts';
import type { DeletionRecord } from '../../../deletions/deletion-types.ts';

/** A deletion as the API shows it (`deletionSchema`): the record plus links. */
export function presentDeletion(record: DeletionRecord): DeletionJson {
  return { ...record, links: { self: `/v1/deletions/${record.id}`, results: `/v1/deletions/${record.id}/results` } };
}
