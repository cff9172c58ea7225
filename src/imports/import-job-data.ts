import type { ImportMode } from './import-types.ts';

/**
 * The payload of one `import-customers` job. The CSV itself stays on disk under
 * `${DATA_DIR}/imports/<importId>/input.csv`; nothing secret goes here.
 */
export interface ImportJobData {
  importId: string;
  mode: ImportMode;
  dryRun: boolean;
  /** 'scan': walk every customer into the account's email index before the first row (absent: per-row look-ups). */
  dedupe?: 'scan';
  /** The name the user uploaded, for logs and the board. */
  fileName: string;
  /** The connected account (`acct_…`) the rows go to; absent for the platform (and in jobs queued before it existed). */
  account?: string;
}
