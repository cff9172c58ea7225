import type { Job } from 'bullmq';
import type { DeletionStore, DeletionRunStart } from '../../src/deletions/deletion-store.ts';
import type { DeletionCounts, DeletionOutcome } from '../../src/deletions/deletion-types.ts';
import { openResultsFile, type ResultsFile } from '../../src/imports/results-file.ts';
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
  /** Rows decided at once (IMPORT_ROWS_IN_FLIGHT): each still waits for its slot of the shared budget. */
  inFlight: number;
  /** Result lines written (and checkpointed) together. */
  flushEvery?: number;
  /** Called with each stretch of outcomes once durable (metrics). */
  onWritten?: (outcomes: readonly DeletionOutcome[]) => void;
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

/**
 * The rows of one run: up to `inFlight` decided at once, in a sliding window (a slow row never holds the others
 * back, so the run keeps the shared budget busy), and their result lines appended in row order as soon as a
 * contiguous stretch is done, then checkpointed. A run that dies leaves lines past the checkpoint that the next run
 * cuts off and redoes, so every row is reported once; the claims (DeletionStore.claim) make a redone row report the
 * deletion its dead run made as `deleted`.
 */
class TargetWindow {
  private next: number;
  private written: number;
  private readonly done = new Map<number, DeletionOutcome>();
  private flushing: Promise<void> = Promise.resolve();
  stop: TargetsEnd | null = null;
  failure: Error | undefined = undefined;

  constructor(
    private readonly input: RunTargetsInput,
    private readonly file: ResultsFile,
    readonly counts: DeletionCounts,
  ) {
    this.next = input.start.checkpoint.rows;
    this.written = input.start.checkpoint.rows;
  }

  async run(): Promise<TargetsEnd> {
    const lanes = Array.from({ length: Math.max(1, this.input.inFlight) }, () => this.lane());
    await Promise.all(lanes);
    this.schedule(true);
    await this.flushing;
    if (this.failure !== undefined && !this.input.ctx.signal?.aborted) throw this.failure;
    return this.stop ?? 'completed';
  }

  private async lane(): Promise<void> {
    const { targets, ctx } = this.input;
    while (this.stop === null && this.next < targets.length) {
      if (ctx.signal?.aborted) {
        this.stop = 'aborted';
        return;
      }
      const at = this.next;
      this.next += 1;
      try {
        this.done.set(at, await processTarget(ctx, targets[at] as Target));
      } catch (err) {
        this.failure ??= asError(err);
        this.stop = 'aborted';
        return;
      }
      this.schedule(false);
    }
  }

  /** Queues a write of the contiguous rows done so far (all of them when `final`); writes never overlap. */
  private schedule(final: boolean): void {
    this.flushing = this.flushing.then(() => this.flush(final)).catch((err: unknown) => {
      this.failure ??= asError(err);
      this.stop = 'aborted';
    });
  }

  private async flush(final: boolean): Promise<void> {
    const ready: DeletionOutcome[] = [];
    for (let at = this.written; this.done.has(at); at++) ready.push(this.done.get(at) as DeletionOutcome);
    if (ready.length === 0 || (!final && ready.length < (this.input.flushEvery ?? 16))) return;
    if (this.failure !== undefined) return;
    for (let at = this.written; at < this.written + ready.length; at++) this.done.delete(at);
    const bytes = await this.file.append(ready);
    for (const o of ready) this.counts[o.action] += 1;
    this.counts.processed += ready.length;
    this.written += ready.length;
    this.input.onWritten?.(ready);
    const { store, start, ctx, job } = this.input;
    if (!(await store.saveCheckpoint(ctx.deletionId, start.run, { rows: this.written, bytes, counts: this.counts }))) {
      this.stop = 'superseded';
      return;
    }
    if (this.stop === null && (await store.isCancelRequested(ctx.deletionId))) this.stop = 'cancelled';
    await job.updateProgress({ ...this.counts });
  }
}

export async function runTargets(input: RunTargetsInput): Promise<{ end: TargetsEnd; counts: DeletionCounts }> {
  const { store, start, targets, ctx } = input;
  const counts: DeletionCounts = { ...start.checkpoint.counts, total: targets.length };
  const file = await openResultsFile(input.resultsPath, start.checkpoint.bytes);
  try {
    if (!(await store.saveCheckpoint(ctx.deletionId, start.run, { rows: start.checkpoint.rows, bytes: file.bytes, counts }))) {
      return { end: 'superseded', counts };
    }
    if (await store.isCancelRequested(ctx.deletionId)) return { end: 'cancelled', counts };
    const window = new TargetWindow(input, file, counts);
    return { end: await window.run(), counts };
  } finally {
    await file.close();
  }
}
