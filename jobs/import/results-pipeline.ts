import type { ImportStore } from '../../src/imports/import-store.ts';
import { countFieldFor, type ImportCounts, type RowOutcome } from '../../src/imports/import-types.ts';
import { ReorderBuffer } from './reorder-buffer.ts';
import type { ResultsFile } from '../../src/imports/results-file.ts';
import type { CrashHook } from './crash-points.ts';
import { ROW_ABORTED } from './process-row.ts';

/** Thrown when a newer run owns the import (this worker lost its job lock): this run must stop writing. */
export class SupersededRunError extends Error {
  readonly code = 'stripe-bulk:import-superseded';
  constructor(importId: string) {
    super(`import ${importId} is being resumed by another worker; this run stops`);
    this.name = 'SupersededRunError';
  }
}

/** Options of {@link ResultsPipeline}. */
export interface ResultsPipelineOptions {
  importId: string;
  run: number;
  store: ImportStore;
  file: ResultsFile;
  /** Rows already reported by earlier runs, and their counts. */
  startRows: number;
  counts: ImportCounts;
  /** Test-only crash points (a no-op in production). */
  crash?: CrashHook;
  /** Called after each checkpoint with the lines just written. */
  onFlushed?: (lines: readonly RowOutcome[], counts: ImportCounts) => Promise<void>;
}

/**
 * Finished rows in, results.csv out in row order: a reorder buffer, then batched appends, each followed by a
 * checkpoint (rows written, bytes of results.csv, counts). A row aborted by shutdown ends the output: it and
 * every row after it are left for the resumed run.
 */
export class ResultsPipeline {
  private readonly buffer: ReorderBuffer<RowOutcome | typeof ROW_ABORTED>;
  private batch: RowOutcome[] = [];
  private writtenRows: number;
  private ended = false;
  private flushing: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly options: ResultsPipelineOptions) {
    this.buffer = new ReorderBuffer(options.startRows + 1);
    this.writtenRows = options.startRows;
  }

  /** The first row not yet finished in order: the dispatcher keeps rows within a window of it. */
  get firstUnfinished(): number {
    return this.buffer.nextRow;
  }

  /** Rows durably written (all runs). */
  get rowsWritten(): number {
    return this.writtenRows;
  }

  /** Whether an aborted row closed the output. */
  get endedByAbort(): boolean {
    return this.ended;
  }

  get pendingLines(): number {
    return this.batch.length;
  }

  /** Resolves when firstUnfinished moves (or at once if `row` is already within reach). */
  waitForProgress(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.listeners.delete(done);
        resolve();
      };
      this.listeners.add(done);
    });
  }

  put(row: number, result: RowOutcome | typeof ROW_ABORTED): void {
    this.buffer.put(row, result);
    const before = this.buffer.nextRow;
    for (const item of this.buffer.takeReady()) {
      if (this.ended) continue;
      if (item === ROW_ABORTED) this.ended = true;
      else this.batch.push(item);
    }
    if (this.buffer.nextRow !== before) for (const l of [...this.listeners]) l();
  }

  /** Appends the finished lines and checkpoints; flushes run one after another. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushNow());
    return this.flushing;
  }

  private async flushNow(): Promise<void> {
    if (this.batch.length === 0) return;
    const { importId, run, store, file, counts } = this.options;
    const lines = this.batch;
    this.batch = [];
    if (!(await store.isCurrentRun(importId, run))) throw new SupersededRunError(importId);
    const bytes = await file.append(lines);
    const first = (lines[0] as RowOutcome).row;
    this.options.crash?.('after-result', first, first + lines.length - 1);
    for (const line of lines) {
      counts[countFieldFor(line.action)] += 1;
      if (line.byScan === true) counts.matched_by_scan = (counts.matched_by_scan ?? 0) + 1;
    }
    this.writtenRows += lines.length;
    counts.processed = this.writtenRows;
    if (!(await store.saveCheckpoint(importId, run, { rows: this.writtenRows, bytes, counts }))) {
      throw new SupersededRunError(importId);
    }
    this.options.crash?.('during-checkpoint', first, first + lines.length - 1);
    await this.options.onFlushed?.(lines, counts);
  }
}
