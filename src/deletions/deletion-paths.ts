import { join } from 'node:path';
import { randomToken } from '../random-token.ts';
import { DELETION_ID_PATTERN } from './deletion-schema.ts';

/** A new deletion id, `del_` + 16 random alphanumerics (also the BullMQ job id). */
export function newDeletionId(): string {
  return `del_${randomToken(16)}`;
}

/** True for strings shaped like a deletion id, so a path built from one cannot leave the data directory. */
export function isDeletionId(value: string): boolean {
  return DELETION_ID_PATTERN.test(value);
}

export function deletionDir(dataDir: string, deletionId: string): string {
  return join(dataDir, 'deletions', deletionId);
}

/** The targets: the uploaded CSV, or for an undo the `row,id,email` list the API read from the import's results. */
export function targetsPath(dataDir: string, deletionId: string): string {
  return join(deletionDir(dataDir, deletionId), 'input.csv');
}

export function deletionResultsPath(dataDir: string, deletionId: string): string {
  return join(deletionDir(dataDir, deletionId), 'results.csv');
}
