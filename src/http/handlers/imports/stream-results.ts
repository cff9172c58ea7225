import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { resultsPath } from '../../../imports/import-paths.ts';
import { RESULTS_HEADER_LINE } from '../../../imports/results-file.ts';
import type { ImportHandlerContext } from './handler-types.ts';
import { findImport } from './present-import.ts';

/**
 * `GET /v1/imports/:id/results`: results.csv streamed from disk, up to the last checkpoint, so a running import
 * shows its rows so far and never a half-written batch.
 */
export async function streamResults({ deps, store }: ImportHandlerContext, req: Request, res: Response): Promise<void> {
  const record = await findImport(store, req.params.id);
  const path = resultsPath(deps.config.dataDir, record.id);
  const bytes = await store.checkpointBytes(record.id);
  const size = bytes > 0 ? await stat(path).then((s) => s.size, () => 0) : 0;
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${record.id}-results.csv"`);
  res.setHeader('Cache-Control', 'no-store');
  if (size === 0) {
    res.end(RESULTS_HEADER_LINE);
    return;
  }
  await pipeline(createReadStream(path, { start: 0, end: Math.min(bytes, size) - 1 }), res);
}
