import { stringify } from 'csv-stringify/sync';
import { openCheckpointedCsv } from '../csv/checkpointed-file.ts';
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
  const file = await openCheckpointedCsv(path, checkpointBytes, DEPROVISION_RESULTS_HEADER);
  return {
    get bytes() {
      return file.bytes;
    },
    append: (o) => file.append([[String(o.row), neutraliseFormula(o.email), o.action, o.userId, neutraliseFormula(o.message)]]),
    close: () => file.close(),
  };
}
