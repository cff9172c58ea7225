import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { deprovisionColumns } from '../../src/deprovisions/deprovision-input.ts';
import { deprovisionInputPath, deprovisionResultsPath } from '../../src/deprovisions/deprovision-paths.ts';
import type { DeprovisionAction } from '../../src/deprovisions/deprovision-schema.ts';
import type { Logger } from '../../src/logger.ts';
import { deprovisionRow, type RowContext } from './deprovision-row.ts';
import { openDeprovisionResults } from '../../src/deprovisions/deprovision-results.ts';

/** What one attempt of a deprovision needs. */
export interface DeprovisionRunContext extends Omit<RowContext, 'columns'> {
  dataDir: string;
  logger: Logger;
  reportProgress(rows: number): Promise<void>;
  /** Called once per row committed (metrics). */
  onRow?: (action: DeprovisionAction) => void;
}

/**
 * Runs (or resumes) the rows of a deprovision, one at a time in file order (SCIM's budget is small, and one row's
 * PATCH never races another's): rows up to the checkpoint are skipped, results.csv is cut back to it, and each
 * row's result line is flushed before its checkpoint is committed, so results.csv says each row exactly once.
 * Answers 'cancelled' when a cancel was requested before a row, else 'completed'.
 */
export async function runDeprovision(ctx: DeprovisionRunContext): Promise<'completed' | 'cancelled'> {
  const { record, store } = ctx;
  const results = await openDeprovisionResults(deprovisionResultsPath(ctx.dataDir, record.id), record.resultsBytes);
  const source = createReadStream(deprovisionInputPath(ctx.dataDir, record.id));
  const parser = source.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true }));
  try {
    let row = 0;
    let rowCtx: RowContext | undefined;
    for await (const cells of parser as AsyncIterable<string[]>) {
      if (rowCtx === undefined) {
        rowCtx = { ...ctx, columns: deprovisionColumns(cells) };
        if (record.counts.rows > 0) ctx.logger.info({ rows: record.counts.rows }, 'resuming the deprovision from its checkpoint');
        continue;
      }
      row += 1;
      if (row <= record.counts.rows) continue;
      if (await store.isCancelRequested(record.id)) return 'cancelled';
      const outcome = await deprovisionRow(rowCtx, row, cells);
      const bytes = await results.append(outcome);
      await store.commitRow(record.id, row, outcome.action, bytes);
      ctx.onRow?.(outcome.action);
      await ctx.reportProgress(row);
    }
    return 'completed';
  } finally {
    parser.destroy();
    source.destroy();
    await results.close();
  }
}
