import { AppError } from '../../errors.ts';

// Errors that mean DATA_DIR cannot take the file: full, read-only, not writable, or no longer a directory.
const STORAGE_CODES: Record<string, string> = {
  ENOSPC: 'is full',
  EDQUOT: 'is over its disk quota',
  EFBIG: 'refuses a file this large',
  EROFS: 'is on a read-only file system',
  EACCES: 'is not writable by the server',
  EPERM: 'is not writable by the server',
  ENOTDIR: 'is not a directory (or its imports folder is not)',
  ENOENT: 'or its imports folder no longer exists',
  EIO: 'had an I/O error',
};

/**
 * Maps a file-system error met while storing an upload to a 507 naming DATA_DIR (the operator's fix: free space,
 * fix permissions or the mount), or returns undefined when the error is not about storage.
 */
export function storageError(err: unknown): AppError | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !(code in STORAGE_CODES)) return undefined;
  return new AppError(
    'insufficient_storage',
    `The upload could not be stored: DATA_DIR ${STORAGE_CODES[code]} (${code}). Nothing was queued; try again once an operator has fixed DATA_DIR.`,
    507,
    { errno: code },
  );
}
