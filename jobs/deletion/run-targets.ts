import type { Job } from 'bullmq';
import type { DeletionStore, DeletionRunStart } from '../../src/deletions/deletion-store.ts';
import type { DeletionCounts } from '../../src/deletions/deletion-types.ts';
import { openResultsFile } from '../../src/imports/results-file.ts';
import { processTarget, type TargetContext } from './process-target.ts';
import type { Target } from './targets.ts';

/** How a run of the rows ended. */
export type TargetsEnd = 'completed' | 'cancelled' | 'aborted' | 'superseded';

/** Inputs of {@link runTargets}. */
export interface RunTargetsInput {
  store: DeletionStore;
  start: DeletionRunStart;
  targets: readonly Target[];
  ctx: TargetContext;
  resultsPath: string;
  job: Job;
  /** Rows decided at once (each still waits for its slot of the shared budget). */
  batchSize?: number;
}

/**
 * Runs the rows from the checkpoint in batches: each batch's result lines are appended in row order and made
 * durable, then the checkpoint moves past them. A run that dies mid-batch leaves lines past the checkpoint that the
 * next run cuts off and redoes, so every row is reported once; the claims (DeletionStore.claim) make a redone row
 * report the deletion its dead run made as `deleted`.
 */
export async function runTargets(input: RunTargetsInput): Promise<{ end: TargetsEnd; counts: DeletionCounts }> {
  const { store, start, targets, ctx, job } = input;
  const id = ctx.deletionId;
  const batchSize = input.batchSize ?? 16;
  const counts: DeletionCounts = { ...start.checkpoint.counts, total: targets.length };
  let rows = start.checkpoint.rows;
  const file = await openResultsFile(input.resultsPath, start.checkpoint.bytes);
  try {
    if (!(await store.saveCheckpoint(id, start.run, { rows, bytes: file.bytes, counts }))) return { end: 'superseded', counts };
    while (rows < targets.length) {
      if (ctx.signal?.aborted) return { end: 'aborted', counts };
      if (await store.isCancelRequested(id)) return { end: 'cancelled', counts };
      const batch = targets.slice(rows, rows + batchSize);
      const outcomes = await Promise.all(batch.map((t) => processTarget(ctx, t)));
      const bytes = await file.append(outcomes);
      for (const o of outcomes) counts[o.action] += 1;
      counts.processed += outcomes.length;
      rows += outcomes.length;
      if (!(await store.saveCheckpoint(id, start.run, { rows, bytes, counts }))) return { end: 'superseded', counts };
      await job.updateProgress({ ...counts });
    }
    return { end: 'completed', counts };
  } catch (err) {
    if (ctx.signal?.aborted) return { end: 'aborted', counts };
    throw err;
  } finally {
    await file.close();
  }
}
