/**
 * The payload of one `delete-customers` job. The targets stay on disk under
 * `${DATA_DIR}/deletions/<deletionId>/input.csv`; nothing secret goes here.
 */
export interface DeletionJobData {
  deletionId: string;
  dryRun: boolean;
  /** The import undone, for logs and the board; null for a CSV of ids or emails. */
  importId: string | null;
  /** The name the user uploaded (or the import's), for logs and the board. */
  fileName: string;
}
