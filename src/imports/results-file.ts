import { stringify } from 'csv-stringify/sync';
import { openCheckpointedCsv } from '../csv/checkpointed-file.ts';
import { neutraliseFormula } from '../csv/index.ts';
import type { RowOutcome } from './import-types.ts';

/** One line of a results.csv: an import row's outcome, or a deletion's (whose actions are its own). */
export type ResultLine = Omit<RowOutcome, 'action'> & { action: string };

/** The columns of results.csv. */
export const RESULTS_HEADER = ['row', 'email', 'action', 'customer_id', 'message'] as const;

/** The header line alone, for an import that has not written any result yet. */
export const RESULTS_HEADER_LINE = stringify([[...RESULTS_HEADER]]);

/** results.csv of one import, appended in row order. */
export interface ResultsFile {
  /** Current byte length (what a checkpoint records). */
  readonly bytes: number;
  /** Appends the lines and flushes them to disk; resolves to the new byte length. */
  append(outcomes: readonly ResultLine[]): Promise<number>;
  close(): Promise<void>;
}

/** One result line; cells a user typed go through the formula guard since results are opened in spreadsheets. */
export function resultLine(o: ResultLine): string[] {
  return [String(o.row), neutraliseFormula(o.email), o.action, o.customerId, neutraliseFormula(o.message)];
}

/**
 * Opens results.csv for appending from a checkpoint: lines past `checkpointBytes` were written by a run that
 * died before recording them, so they are cut off and their rows redone.
 */
export async function openResultsFile(path: string, checkpointBytes: number): Promise<ResultsFile> {
  const file = await openCheckpointedCsv(path, checkpointBytes, RESULTS_HEADER);
  return {
    get bytes() {
      return file.bytes;
    },
    append: (outcomes) => file.append(outcomes.map(resultLine)),
    close: () => file.close(),
  };
}
