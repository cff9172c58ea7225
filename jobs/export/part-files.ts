import { appendFile, mkdir, stat, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A part file shorter than its checkpoint: the data directory lost writes (another disk, a restore). */
export class PartFileError extends Error {
  readonly code = 'stripe-bulk:export-part-file';
  constructor(message: string) {
    super(message);
    this.name = 'PartFileError';
  }
}

async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Brings a part file back to its checkpointed length before resuming: bytes written after the last checkpoint
 * (a page whose checkpoint never reached Redis) are cut, so that page is fetched and written again exactly once.
 */
export async function restorePart(path: string, checkpointBytes: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const size = await sizeOf(path);
  if (size === null) {
    if (checkpointBytes > 0) throw new PartFileError(`part file ${path} is missing but ${checkpointBytes} bytes were checkpointed`);
    return;
  }
  if (size < checkpointBytes) {
    throw new PartFileError(`part file ${path} holds ${size} bytes but ${checkpointBytes} were checkpointed`);
  }
  if (size > checkpointBytes) await truncate(path, checkpointBytes);
}

/** Appends a page's lines; answers the bytes written. */
export async function appendPart(path: string, text: string): Promise<number> {
  if (text.length === 0) return 0;
  const data = Buffer.from(text, 'utf8');
  await appendFile(path, data);
  return data.length;
}
