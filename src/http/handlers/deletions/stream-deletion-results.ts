import { stat } from 'node:fs/promises';
import { deletionResultsPath } from '../../../deletions/deletion-paths.ts';
import { RESULTS_HEADER_LINE } from '../../../imports/results-file.ts';
import type { Handler } from '../../handler-types.ts';
import { deletionStore, withDeletion } from './lookup.ts';

/** `GET /v1/deletions/:id/results`: results.csv up to the last checkpoint, as the import's results are served. */
export const streamDeletionResults: Handler = withDeletion(async (deps, _req, record) => {
  const path = deletionResultsPath(deps.config.dataDir, record.id);
  const bytes = await deletionStore(deps).checkpointBytes(record.id);
  const size = bytes > 0 ? await stat(path).then((s) => s.size, () => 0) : 0;
  const download = { name: `${record.id}-results.csv`, contentType: 'text/csv; charset=utf-8' };
  if (size === 0) return { status: 200, file: { ...download, text: RESULTS_HEADER_LINE } };
  return { status: 200, file: { ...download, path, end: Math.min(bytes, size) - 1 } };
});
