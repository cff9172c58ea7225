import { UnrecoverableError } from 'bullmq';
import { PartFileError } from './part-files.ts';
import { describeStripeError, stripeErrorStatus } from '../../src/stripe/stripe-errors.ts';

/**
 * OS errors of the data directory that a retry 10 s later cannot fix, with what to do about each: the disk is full
 * (ENOSPC, EDQUOT), the directory is read-only or not ours (EROFS, EACCES, EPERM), a path component is a file
 * (ENOTDIR, EISDIR, or EEXIST from mkdir), or the export's folder vanished under it (ENOENT: the checkpointed part
 * files went with it, so a retry would only find them missing).
 */
const DISK_HINTS: Record<string, string> = {
  ENOSPC: 'free space on its disk',
  EDQUOT: 'raise the quota or free space',
  EROFS: 'mount it read-write',
  EACCES: 'let this process write there',
  EPERM: 'let this process write there',
  ENOTDIR: 'make sure DATA_DIR and its exports folder are directories',
  EISDIR: 'make sure DATA_DIR and its exports folder are directories',
  EEXIST: 'make sure DATA_DIR and its exports folder are directories',
  ENOENT: "keep other processes from deleting the export's folder",
};

function errnoOf(err: unknown): NodeJS.ErrnoException | undefined {
  const e = err as NodeJS.ErrnoException | null;
  return typeof e?.code === 'string' && typeof e.syscall === 'string' ? e : undefined;
}

/**
 * The error an export attempt ends with, as BullMQ's UnrecoverableError when another attempt cannot succeed (the
 * job then fails at once instead of retrying three times), with a message that says what to fix; null when a retry
 * from the checkpoint may help (a Stripe outage, a 429 that outlasted the gateway's retries, Redis).
 * - a lost part file: the data directory lost writes; the checkpoint cannot be honoured.
 * - a full or unwritable DATA_DIR.
 * - Stripe's 4xx other than 429 (rate) and 409 (a concurrent request with the same key): an invalid request, a bad
 *   search query, a revoked key. Stripe would answer the same again.
 */
export function unrecoverableExportError(err: unknown, dataDir: string): UnrecoverableError | null {
  if (err instanceof UnrecoverableError) return err;
  if (err instanceof PartFileError) {
    return new UnrecoverableError(`${err.message}: DATA_DIR (${dataDir}) lost the export's working files; create the export again`);
  }
  const errno = errnoOf(err);
  const hint = errno?.code === undefined || (errno.code === 'EEXIST' && errno.syscall !== 'mkdir') ? undefined : DISK_HINTS[errno.code];
  if (errno !== undefined && hint !== undefined) {
    return new UnrecoverableError(
      `cannot write the export under DATA_DIR (${dataDir}): ${errno.code} on ${errno.syscall}` +
        `${errno.path === undefined ? '' : ` ${errno.path}`} (${errno.message}); ${hint}, then export again`,
    );
  }
  const status = stripeErrorStatus(err);
  if (status !== undefined && status >= 400 && status < 500 && status !== 429 && status !== 409) {
    return new UnrecoverableError(`Stripe refused the export's request: ${describeStripeError(err)}`);
  }
  return null;
}
