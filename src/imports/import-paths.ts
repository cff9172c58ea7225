import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const IMPORT_ID_PATTERN = /^imp_[A-Za-z0-9]{16}$/;

/** A new import id, `imp_` + 16 random alphanumerics (also the BullMQ job id). */
export function newImportId(): string {
  const bytes = randomBytes(16);
  let id = 'imp_';
  // 256 % 62 leaves a slight bias toward the first letters; harmless for an identifier that is not a secret.
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
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
