import { join } from 'node:path';
import { randomToken } from '../random-token.ts';

const IMPORT_ID_PATTERN = /^imp_[A-Za-z0-9]{16}$/;

/** A new import id, `imp_` + 16 random alphanumerics (also the BullMQ job id). */
export function newImportId(): string {
  return `imp_${randomToken(16)}`;
}

/** True for strings shaped like an import id, so a path built from one cannot leave the data directory. */
export function isImportId(value: string): boolean {
  return IMPORT_ID_PATTERN.test(value);
}

/** The folder of one import's files. */
export function importDir(dataDir: string, importId: string): string {
  return join(dataDir, 'imports', importId);
}

export function inputPath(dataDir: string, importId: string): string {
  return join(importDir(dataDir, importId), 'input.csv');
}

export function resultsPath(dataDir: string, importId: string): string {
  return join(importDir(dataDir, importId), 'results.csv');
}
