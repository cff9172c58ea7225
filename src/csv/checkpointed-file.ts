import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'csv-stringify/sync';

/** A CSV file a job appends to in order and checkpoints by its byte length (results.csv of every job kind). */
export interface CheckpointedCsv {
  /** Current byte length (what a checkpoint records). */
  readonly bytes: number;
  /** Appends the records and flushes them to disk; resolves to the new byte length. */
  append(records: string[][]): Promise<number>;
  close(): Promise<void>;
}

/**
 * Opens a CSV for appending from a checkpoint: bytes past `checkpointBytes` were written by a run that died before
 * recording them, so they are cut off and their rows redone. At 0 the file is new and gets `header` first.
 */
export async function openCheckpointedCsv(path: string, checkpointBytes: number, header: readonly string[]): Promise<CheckpointedCsv> {
  await mkdir(dirname(path), { recursive: true });
  let handle: FileHandle;
  try {
    handle = await open(path, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    handle = await open(path, 'w+');
  }
  await handle.truncate(checkpointBytes);
  let bytes = checkpointBytes;
  if (bytes === 0) {
    const line = Buffer.from(stringify([[...header]]));
    await handle.write(line, 0, line.length, 0);
    bytes = line.length;
  }
  return {
    get bytes() {
      return bytes;
    },
    async append(records) {
      if (records.length === 0) return bytes;
      const chunk = Buffer.from(stringify(records));
      await handle.write(chunk, 0, chunk.length, bytes);
      await handle.datasync();
      bytes += chunk.length;
      return bytes;
    },
    close: () => handle.close(),
  };
}
