import { stat } from 'node:fs/promises';
import { resultsPath } from '../../../imports/import-paths.ts';
import { RESULTS_HEADER_LINE } from '../../../imports/results-file.ts';
import type { Handler } from '../../handler-types.ts';
import { importStore, withImport } from './lookup.ts';

/**
 * `GET /v1/imports/:id/results`: results.csv streamed from disk, up to the last checkpoint, so a running import
 * shows its rows so far and never a half-written batch.
 */
export const streamResults: Handler = withImport(async (deps, _req, record) => {
  const path = resultsPath(deps.config.dataDir, record.id);
  const bytes = await importStore(deps).checkpointBytes(record.id);
  const size = bytes > 0 ? await stat(path).then((s) => s.size, () => 0) : 0;
  const download = { name: `${record.id}-results.csv`, contentType: 'text/csv; charset=utf-8' };
  if (size === 0) return { status: 200, file: { ...download, text: RESULTS_HEADER_LINE } };
  return { status: 200, file: { ...download, path, end: Math.min(bytes, size) - 1 } };
});
