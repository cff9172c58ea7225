import { partPath } from '../../src/exports/export-paths.ts';
import type { ColumnPlan } from './export-columns.ts';
import type { MetadataKeys } from './part-writer.ts';
import { fileOrder, type SliceState } from './slice-plan.ts';
import { openOutputFile, type OutputFile, type RenderedFile } from './csv-output.ts';

/** Options of {@link createFileRenderer}. */
export interface FileRendererOptions {
  dataDir: string;
  exportId: string;
  plan: ColumnPlan;
  /** The metadata keys found so far; grows while pages arrive (read at each append, never copied whole). */
  keys: MetadataKeys;
  /** Where the final file goes, and whether it is gzipped. */
  outPath: string;
  gzip: boolean;
  signal?: AbortSignal;
}

/** Where the time after the last page went (logged: the part of the file the fetch did not hide). */
export interface FinishStats {
  /** Waiting for the appends queued during the fetch. */
  queueMs: number;
  /** Parts holding rows written before a metadata key turned up, widened to the final header. */
  widenedParts: number;
  /** Parts appended to the file at the end (their newer neighbours finished last). */
  lateAppends: number;
  /** Whether the file was started again because metadata keys turned up after its header was written. */
  restarted: boolean;
}

/** Copies finished slices into the final file while the others are still fetched, and closes it at the end. */
export interface FileRenderer {
  /**
   * Tells the renderer a slice's latest state (new slices from splits included; with its part's segments); a slice
   * that is done (its part file complete) is copied once every slice before it in file order is. Returns at once.
   */
  update(slice: SliceState): void;
  /** Appends whatever is left, then closes the file under its final name. */
  finish(): Promise<RenderedFile & FinishStats>;
  /** Resolves once the work queued so far is done. */
  idle(): Promise<void>;
  /** Waits for the work in progress and drops an unfinished file (after a cancel or an error). */
  close(): Promise<void>;
}

/**
 * Why copy during the fetch: part files already hold the final CSV rows (PartWriter), so the file is the header and
 * the parts end to end; copying a slice as soon as it and every slice before it are done leaves only the slices
 * that finished last to copy after the last page.
 *
 * The header of a default-columns export (every metadata key present) is known only at the end: the file is
 * started with the keys seen so far; if more turn up later it is dropped and written again at the end, rows written
 * with fewer keys widened. Keys usually all show up in the first pages.
 */
export function createFileRenderer(opts: FileRendererOptions): FileRenderer {
  return new FileAssembler(opts);
}

class FileAssembler implements FileRenderer {
  private readonly slices = new Map<number, SliceState>();
  private readonly appended = new Set<number>();
  private output: { file: OutputFile; keyCount: number; rows: number } | undefined;
  private restarted = false;
  private queue: Promise<void> = Promise.resolve();
  private headQueued = false;
  private failure: { error: unknown } | undefined;

  constructor(private readonly opts: FileRendererOptions) {}

  update(slice: SliceState): void {
    if (this.appended.has(slice.id)) return;
    this.slices.set(slice.id, slice);
    if (!slice.done || this.headQueued) return;
    this.headQueued = true;
    this.enqueue(async () => {
      this.headQueued = false;
      await this.appendHead(false);
    });
  }

  async finish(): Promise<RenderedFile & FinishStats> {
    const startedAt = performance.now();
    await this.queue;
    if (this.failure !== undefined) throw this.failure.error;
    this.opts.signal?.throwIfAborted();
    const queueMs = Math.round(performance.now() - startedAt);
    const counts = await this.appendHead(true);
    // No slice, or none with a row: the file is the header alone.
    const columns = this.opts.keys.columnsFor();
    this.output ??= { file: openOutputFile({ outPath: this.opts.outPath, gzip: this.opts.gzip, columns }), keyCount: this.opts.keys.count, rows: 0 };
    const { file, rows } = this.output;
    this.output = undefined;
    const bytes = await file.close();
    return { columns, rows, bytes, queueMs, restarted: this.restarted, ...counts };
  }

  idle(): Promise<void> {
    return this.queue;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.dropOutput();
  }

  private enqueue(step: () => Promise<void>): void {
    this.queue = this.queue.then(async () => {
      if (this.failure !== undefined || this.opts.signal?.aborted === true) return;
      try {
        await step();
      } catch (error) {
        this.failure = { error };
      }
    });
  }

  private async dropOutput(): Promise<void> {
    const dropped = this.output;
    this.output = undefined;
    this.appended.clear();
    await dropped?.file.abandon();
  }

  /** Appends the done slices at the head of the file order; `force` (the end) appends every slice or throws. */
  private async appendHead(force: boolean): Promise<{ widenedParts: number; lateAppends: number }> {
    const counts = { widenedParts: 0, lateAppends: 0 };
    const keyCount = this.opts.keys.count;
    if (this.output !== undefined && this.output.keyCount !== keyCount) {
      this.restarted = true;
      await this.dropOutput();
    }
    if (this.restarted && !force) return counts;
    for (const slice of fileOrder(this.slices.values())) {
      if (this.appended.has(slice.id)) continue;
      if (!slice.done) {
        if (force) throw new Error(`slice ${slice.id} is not done: the file cannot be written`);
        break;
      }
      const columns = this.opts.keys.columnsFor(keyCount);
      this.output ??= { file: openOutputFile({ outPath: this.opts.outPath, gzip: this.opts.gzip, columns }), keyCount, rows: 0 };
      if (await this.appendSlice(this.output.file, slice, keyCount)) counts.widenedParts += 1;
      this.output.rows += slice.customers;
      this.appended.add(slice.id);
      if (force) counts.lateAppends += 1;
    }
    return counts;
  }

  /** Copies a slice's part into the file, widening rows written with fewer metadata keys; answers whether any was. */
  private async appendSlice(file: OutputFile, slice: SliceState, keyCount: number): Promise<boolean> {
    const path = partPath(this.opts.dataDir, this.opts.exportId, slice.id);
    let widened = false;
    for (const { start, end, count } of partRanges(slice, this.opts.plan.kind === 'fixed')) {
      if (count === undefined || count === keyCount) {
        await file.append({ path, start, end });
      } else {
        await file.append({ path, start, end }, this.opts.keys.columnsFor(count));
        widened = true;
      }
    }
    return widened;
  }
}

/**
 * The byte ranges of a slice's part in file order, each with the metadata key count its rows were written with
 * (undefined: the file's own columns). An upward slice's pages are copied last page first.
 */
export function partRanges(slice: SliceState, fixedColumns: boolean): Array<{ start: number; end: number; count?: number }> {
  const segments = fixedColumns ? [] : (slice.segments ?? []);
  const countAt = (offset: number): number | undefined => {
    let count: number | undefined;
    for (const [from, keys] of segments) if (from <= offset) count = keys;
    return count;
  };
  const starts = slice.upward === undefined ? segments.map(([from]) => from) : [...slice.upward.pageStarts];
  if (starts.length === 0 || starts[0] !== 0) starts.unshift(0);
  const ranges = starts.map((start, i) => ({ start, end: starts[i + 1] ?? slice.bytes, count: countAt(start) }));
  const nonEmpty = ranges.filter((r) => r.end > r.start);
  return slice.upward === undefined ? nonEmpty : nonEmpty.reverse();
}
