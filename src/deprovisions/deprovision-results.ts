import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { neutraliseFormula } from '../csv/index.ts';
import type { DeprovisionAction } from './deprovision-schema.ts';

/** The columns of a deprovision's results.csv. */
export const DEPROVISION_RESULTS_HEADER = ['row', 'email', 'action', 'user_id', 'message'] as const;
export const DEPROVISION_RESULTS_HEADER_LINE = stringify([[...DEPROVISION_RESULTS_HEADER]]);

/** What happened to one row. */
export interface DeprovisionOutcome {
  row: number;
  email: string;
  action: DeprovisionAction;
  userId: string;
  message: string;
}

/** results.csv opened at its checkpoint: bytes past it (a line written before a crash) are cut off and redone. */
export interface DeprovisionResults {
  readonly bytes: number;
  append(outcome: DeprovisionOutcome): Promise<number>;
  close(): Promise<void>;
}

/** Opens results.csv for appending from `checkpointBytes` (0: a new file with its header), as imports do. */
export async function openDeprovisionResults(path: string, checkpointBytes: number): Promise<DeprovisionResults> {
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
    const header = Buffer.from(DEPROVISION_RESULTS_HEADER_LINE);
    await handle.write(header, 0, header.length, 0);
    bytes = header.length;
  }
  return {
    get bytes() {
      return bytes;
    },
    async append(o) {
      const line = [String(o.row), neutraliseFormula(o.email), o.action, o.userId, neutraliseFormula(o.message)];
      const chunk = Buffer.from(stringify([line]));
      await handle.write(chunk, 0, chunk.length, bytes);
      await handle.datasync();
      bytes += chunk.length;
      return bytes;
    },
    close: () => handle.close(),
  };
}
