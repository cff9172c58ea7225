import { rm } from 'node:fs/promises';
import { resolveColumns, type ColumnPlan } from './export-columns.ts';
import { csvPartPath, partPath } from '../../src/exports/export-paths.ts';
import { fileOrder, type SliceState } from './slice-plan.ts';
import { openOutputFile, renderPartCsv, type OutputFile, type RenderedFile } from './csv-output.ts';

/** Options of {@link createFileRenderer}. */
export interface FileRendererOptions {
  dataDir: string;
  exportId: string;
  plan: ColumnPlan;
  /** The metadata keys seen so far; grows while pages arrive (read at each render, never copied whole). */
  metadataKeys: ReadonlySet<string>;
  /** Where the final file goes, and whether it is gzipped. */
  outPath: string;
  gzip: boolean;
  signal?: AbortSignal;
}

/** Where the time after the last page went (logged: the part of the render the fetch did not hide). */
export interface FinishStats {
  /** Waiting for the renders and appends queued during the fetch. */
  queueMs: number;
  /** Parts rendered at the end: never queued, or rendered with fewer metadata keys than the final header. */
  lateParts: number;
  /** Parts appended to the file at the end (their newer neighbours finished last). */
  lateAppends: number;
  /** Whether the file was started again because metadata keys turned up after its header was written. */
  restarted: boolean;
}

/** Renders finished slices while the others are still fetched, and writes the final file at the end. */
export interface FileRenderer {
  /**
   * Tells the renderer a slice's latest state (new slices from splits included); a slice that is done (its part
   * file complete) is queued for rendering. Returns at once.
   */
  update(slice: SliceState): void;
  /** Renders and appends whatever is left, then closes the file under its final name. */
  finish(): Promise<RenderedFile & FinishStats>;
  /** Resolves once the work queued so far is done. */
  idle(): Promise<void>;
  /** Waits for the work in progress and drops an unfinished file (after a cancel or an error). */
  close(): Promise<void>;
}

/**
 * Why render during the fetch: rendering 100,000 customers from the part files takes ~2 s of CPU, which after the
 * last page would add ~15% to an 11 s export; beside the fetch it uses the time the worker spends waiting for
 * responses. Work runs one step at a time on a queue: each finished slice is rendered into its own CSV part (in the
 * order slices finish), and whenever the slices at the head of the file order are rendered, they are appended to the
 * final file and their CSV part deleted. After the last page only the slices that finished last are left to copy.
 *
 * The header of a default-columns export (every metadata key present) is known only at the end: parts are rendered,
 * and the file started, with the keys seen so far. If more keys turn up later, the file is dropped and written
 * again at the end from the JSON parts (kept until the job completes). Keys usually all show up in the first pages.
 */
export function createFileRenderer(opts: FileRendererOptions): FileRenderer {
  const slices = new Map<number, SliceState>();
  const rendered = new Map<number, { columnsKey: string; rows: number }>();
  const queued = new Set<number>();
  const appended = new Set<number>();
  let output: { file: OutputFile; columnsKey: string; rows: number } | undefined;
  /** Set once the header was found incomplete: appending waits for the end (the keys may keep changing). */
  let restarted = false;
  let queue: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | undefined;
  const signalOption = opts.signal === undefined ? {} : { signal: opts.signal };

  const columnsNow = () => resolveColumns(opts.plan, opts.metadataKeys);
  const keyOf = (columns: readonly string[]) => columns.join('\n');

  const render = async (sliceId: number, columns: readonly string[]) => {
    const part = await renderPartCsv({
      partPath: partPath(opts.dataDir, opts.exportId, sliceId),
      csvPath: csvPartPath(opts.dataDir, opts.exportId, sliceId),
      columns,
      ...signalOption,
    });
    rendered.set(sliceId, { columnsKey: keyOf(columns), rows: part.rows });
  };

  const dropOutput = async () => {
    const dropped = output;
    output = undefined;
    appended.clear();
    await dropped?.file.abandon();
  };

  /** Appends the done slices at the head of the file order; `force` renders (again) any that needs it. */
  const appendHead = async (force: boolean): Promise<{ lateParts: number; lateAppends: number }> => {
    const counts = { lateParts: 0, lateAppends: 0 };
    const columns = columnsNow();
    const columnsKey = keyOf(columns);
    if (output !== undefined && output.columnsKey !== columnsKey) {
      restarted = true;
      await dropOutput();
    }
    if (restarted && !force) return counts;
    for (const slice of fileOrder(slices.values())) {
      if (appended.has(slice.id)) continue;
      if (!slice.done) {
        if (force) throw new Error(`slice ${slice.id} is not done: the file cannot be written`);
        break;
      }
      // Rendered before some metadata key was seen (or never rendered): render it again with this header.
      if (rendered.get(slice.id)?.columnsKey !== columnsKey) {
        await render(slice.id, columns);
        if (force) counts.lateParts += 1;
      }
      output ??= { file: openOutputFile({ outPath: opts.outPath, gzip: opts.gzip, columns }), columnsKey, rows: 0 };
      const csvPath = csvPartPath(opts.dataDir, opts.exportId, slice.id);
      await output.file.append(csvPath);
      output.rows += rendered.get(slice.id)?.rows ?? 0;
      appended.add(slice.id);
      if (force) counts.lateAppends += 1;
      await rm(csvPath, { force: true });
    }
    return counts;
  };

  const enqueue = (step: () => Promise<void>) => {
    queue = queue.then(async () => {
      if (failure !== undefined || opts.signal?.aborted) return;
      try {
        await step();
      } catch (error) {
        failure = { error };
      }
    });
  };

  return {
    update(slice) {
      if (appended.has(slice.id)) return;
      slices.set(slice.id, slice);
      if (!slice.done || queued.has(slice.id)) return;
      queued.add(slice.id);
      enqueue(async () => {
        await render(slice.id, columnsNow());
        await appendHead(false);
      });
    },

    async finish() {
      const startedAt = performance.now();
      await queue;
      if (failure !== undefined) throw failure.error;
      opts.signal?.throwIfAborted();
      const queueMs = Math.round(performance.now() - startedAt);
      const counts = await appendHead(true);
      // Every slice done: the loop above appended them all (an export with no customer still gets its header).
      output ??= { file: openOutputFile({ outPath: opts.outPath, gzip: opts.gzip, columns: columnsNow() }), columnsKey: '', rows: 0 };
      const { file, rows } = output;
      output = undefined;
      const bytes = await file.close();
      return { columns: columnsNow(), rows, bytes, queueMs, restarted, ...counts };
    },

    idle() {
      return queue;
    },

    async close() {
      await queue;
      await dropOutput();
    },
  };
}
