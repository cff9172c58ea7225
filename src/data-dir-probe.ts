import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The outcome of a DATA_DIR probe: `message` names DATA_DIR and, when it fails, why. */
export interface DataDirStatus {
  ok: boolean;
  message: string;
}

const REASONS: Record<string, string> = {
  EEXIST: 'it is a file, not a directory',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
};

/**
 * Creates DATA_DIR if it is missing, then writes and removes a probe file in it: uploads, results and export files
 * all live there, so a path that is a file, read-only or full must stop the process at start and turn /readyz red
 * instead of surfacing later as an opaque 500 or a misleading ENOENT.
 */
export async function checkDataDir(dataDir: string): Promise<DataDirStatus> {
  // Unique per call: several processes (and several /readyz calls) may probe a shared DATA_DIR at once.
  const probe = join(dataDir, `.probe-${process.pid}-${randomUUID().slice(0, 8)}`);
  try {
    await mkdir(dataDir, { recursive: true });
    await writeFile(probe, 'probe');
    await rm(probe, { force: true });
    return { ok: true, message: `DATA_DIR=${dataDir} is a writable directory` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const reason = REASONS[code] ?? (err as Error).message;
    await rm(probe, { force: true }).catch(() => undefined);
    return { ok: false, message: `DATA_DIR=${dataDir} is not a writable directory: ${reason} (${code || 'error'})` };
  }
}
