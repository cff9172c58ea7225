import { setMaxListeners } from 'node:events';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Logger } from '../../src/logger.ts';
import { planColumns } from './export-columns.ts';
import { normaliseCreated } from '../../src/exports/export-options.ts';
import { exportDir, exportFileName, partPath, partsDir } from '../../src/exports/export-paths.ts';
import type { ExportRecord } from '../../src/exports/export-record.ts';
import type { ExportStore } from '../../src/exports/export-store.ts';
import { restorePart } from './part-files.ts';
import { MetadataKeys, PartWriter } from './part-writer.ts';
import { SliceCheckpoint, type CountsDelta } from './slice-checkpoint.ts';
import { initialSlices, type SliceState } from './slice-plan.ts';
import type { CustomerGateway } from '../../src/stripe/customer-gateway.ts';
import { createProgressReporter, type ExportProgress } from './progress-reporter.ts';
import { createFileRenderer, type FileRenderer } from './render-while-fetching.ts';
import type { RenderedFile } from './csv-output.ts';
import { ACCOUNT_EXPORT, CUSTOMER_EXPORT, type ExportedObjects } from './export-objects.ts';
import { runSlices, type ListedObject, type PageSink } from './slice-runner.ts';

/** The reason the run's signal carries when the user cancelled the export (DELETE /v1/exports/:id). */
export const USER_CANCEL_REASON = 'export-cancelled';

/** Everything one attempt of an export needs. */
export interface ExportRunContext {
  record: ExportRecord;
  store: ExportStore;
  redis: Redis;
  prefix: string;
  dataDir: string;
  gateway: CustomerGateway;
  pagesInFlight: number;
  logger: Logger;
  /** Aborted on worker shutdown; the run adds the user's cancel to it. */
  signal?: AbortSignal;
  reportProgress(progress: ExportProgress): Promise<void>;
  now?: () => number;
}

/** The outcome of one attempt. */
export type ExportRunResult = { status: 'completed'; file: RenderedFile & { name: string } } | { status: 'cancelled' };

/** The first plan of an export, fixing the snapshot (kept on resume: fixSnapshot answers the stored one). */
async function planSlices(ctx: ExportRunContext, now: () => number): Promise<{ slices: SliceState[]; snapshot: number | null }> {
  const { record } = ctx;
  if (record.mode === 'search') {
    const only = { id: 0, gte: 0, lte: 0, cursor: null, lastCreated: null, done: false, customers: 0, pages: 0, bytes: 0 };
    return { slices: [only], snapshot: null };
  }
  const snapshot = await ctx.store.fixSnapshot(record.id, Math.floor(now() / 1000));
  const range = normaliseCreated(record.options.created);
  const lte = Math.min(range.lte ?? snapshot, snapshot);
  return { slices: initialSlices(range.gte, lte, snapshot, { pieces: ctx.pagesInFlight }), snapshot };
}

/** The plan to run: the checkpointed one, or a first plan (also when the checkpoint's part files are unreadable). */
async function loadOrPlan(
  ctx: ExportRunContext,
  checkpoint: SliceCheckpoint,
  now: () => number,
): Promise<{ slices: SliceState[]; snapshot: number | null; metadataKeys: string[]; restarted: boolean }> {
  const loaded = await checkpoint.load();
  if (loaded.stale) {
    // Part files of an earlier version (JSON lines) cannot be copied into the file: start over, once.
    ctx.logger.warn({ slices: loaded.slices.length }, 'export checkpointed by an earlier version: starting it over');
    await checkpoint.restart();
    await rm(partsDir(ctx.dataDir, ctx.record.id), { recursive: true, force: true });
  } else if (loaded.slices.length > 0) {
    const done = loaded.slices.filter((s) => s.done).length;
    ctx.logger.info({ slices: loaded.slices.length, done }, 'resuming export from its checkpoint');
    return { slices: loaded.slices, snapshot: ctx.record.snapshotLte, metadataKeys: loaded.metadataKeys, restarted: false };
  }
  const first = await planSlices(ctx, now);
  await checkpoint.saveInitial(first.slices);
  return { ...first, metadataKeys: [], restarted: loaded.stale };
}

/** Where pages become durable: rows into the part files, then slice states and counters into Redis. */
function createSink<T extends ListedObject>(
  checkpoint: SliceCheckpoint,
  writer: PartWriter<T>,
  keys: MetadataKeys,
  onCommitted: (changed: SliceState[], delta: CountsDelta, cancelRequested: boolean) => Promise<void>,
): PageSink<T> {
  return {
    write: (sliceId, customers) => writer.write(sliceId, customers),
    async checkpoint(changed, delta) {
      const annotated = changed.map((slice) => writer.annotate(slice));
      const { cancelRequested } = await checkpoint.commit(annotated, delta, keys.takeChanged() ? keys.all : undefined);
      await onCommitted(annotated, delta, cancelRequested);
    },
  };
}

/**
 * Runs (or resumes) one export to its final file: plan or load the slices, cut every part file back to its
 * checkpoint, fetch the remaining pages (parallel slices, or sequential search pages) writing their CSV rows, and
 * copy the parts into the file (mostly while the fetch goes on). The export's `object` picks the list endpoint and
 * the rows; the walk is the same for every object.
 */
export function runExport(ctx: ExportRunContext): Promise<ExportRunResult> {
  return ctx.record.options.object === 'accounts' ? runObjectExport(ctx, ACCOUNT_EXPORT) : runObjectExport(ctx, CUSTOMER_EXPORT);
}

async function runObjectExport<T extends ListedObject>(ctx: ExportRunContext, objects: ExportedObjects<T>): Promise<ExportRunResult> {
  const now = ctx.now ?? Date.now;
  const { record } = ctx;
  const checkpoint = new SliceCheckpoint(ctx.redis, ctx.prefix, record.id);
  const plan = await loadOrPlan(ctx, checkpoint, now);
  for (const slice of plan.slices) await restorePart(partPath(ctx.dataDir, record.id, slice.id), slice.bytes);

  const cancel = new AbortController();
  const signal = ctx.signal === undefined ? cancel.signal : AbortSignal.any([ctx.signal, cancel.signal]);
  // The search loop and the file's appends listen to this signal besides the slice runner's requests.
  setMaxListeners(0, signal);
  const totals = plan.restarted ? { customers: 0, pages: 0, bytes: 0 } : { ...record.counts };
  const progress = createProgressReporter((p) => ctx.reportProgress(p), totals.customers);

  const columns = planColumns(record.options);
  const keys = new MetadataKeys(columns, plan.metadataKeys);
  const writer = new PartWriter<T>(
    { dataDir: ctx.dataDir, exportId: record.id, keys, trackWidths: columns.kind === 'all_metadata', rows: objects },
    plan.slices,
  );
  const fileDate = plan.snapshot === null ? (record.startedAt ?? now()) : plan.snapshot * 1000;
  const name = exportFileName(record.id, fileDate, record.options.gzip === true, record.options.object);
  const outPath = join(exportDir(ctx.dataDir, record.id), name);
  const renderer = createFileRenderer({ dataDir: ctx.dataDir, exportId: record.id, plan: columns, keys, outPath, gzip: record.options.gzip === true, signal });
  for (const slice of plan.slices) renderer.update(slice);
  const sink = createSink(checkpoint, writer, keys, async (changed, delta, cancelRequested) => {
    for (const slice of changed) renderer.update(slice);
    totals.customers += delta.customers;
    totals.pages += delta.pages;
    totals.bytes += delta.bytes;
    await progress.update(totals);
    if (cancelRequested) cancel.abort(USER_CANCEL_REASON);
  });
  try {
    return await fetchAndFinish({ ctx, objects, slices: plan.slices, sink, signal, cancel, now, renderer, writer, totals, progress, name });
  } finally {
    // Nothing may still write into the export's directory once this attempt is over (it may be deleted next).
    await renderer.close();
  }
}

/** The fetch, then the end of the file. */
async function fetchAndFinish<T extends ListedObject>(run: {
  ctx: ExportRunContext;
  objects: ExportedObjects<T>;
  slices: SliceState[];
  sink: PageSink<T>;
  signal: AbortSignal;
  cancel: AbortController;
  now: () => number;
  renderer: FileRenderer;
  writer: PartWriter<T>;
  totals: CountsDelta;
  progress: ReturnType<typeof createProgressReporter>;
  name: string;
}): Promise<ExportRunResult> {
  const { ctx, now, totals } = run;
  const fetchStartedAt = now();
  let slices: SliceState[];
  try {
    slices = await fetchPages(ctx, run.objects, { slices: run.slices, sink: run.sink, signal: run.signal, now });
  } catch (err) {
    if (run.cancel.signal.aborted || (await ctx.store.isCancelRequested(ctx.record.id))) return { status: 'cancelled' };
    throw err;
  }
  if (await ctx.store.isCancelRequested(ctx.record.id)) return { status: 'cancelled' };
  const fetchMs = now() - fetchStartedAt;
  ctx.logger.info({ ...totals, slices: slices.length, ms: fetchMs }, 'every page fetched; writing the file');

  for (const slice of slices) run.renderer.update(run.writer.annotate(slice));
  const { queueMs, widenedParts, lateAppends, restarted, ...file } = await run.renderer.finish();
  const ms = now() - fetchStartedAt - fetchMs;
  ctx.logger.info({ rows: file.rows, bytes: file.bytes, ms, queueMs, widenedParts, lateAppends, restarted }, 'file written');
  await run.progress.update({ ...totals, bytes: file.bytes }, true);
  return { status: 'completed', file: { ...file, name: run.name } };
}

/** Fetches every remaining page: parallel slices, or the sequential pages of a search. */
async function fetchPages<T extends ListedObject>(
  ctx: ExportRunContext,
  objects: ExportedObjects<T>,
  run: { slices: SliceState[]; sink: PageSink<T>; signal: AbortSignal; now: () => number },
): Promise<SliceState[]> {
  const { record } = ctx;
  const { slices, sink, signal, now } = run;
  if (record.mode === 'search') {
    const [only] = slices;
    // Validation refuses query for objects Stripe cannot search: no search walk here means nothing to read.
    if (only === undefined || record.options.query === undefined || objects.searchPages === undefined) return slices;
    return [await objects.searchPages({ slice: only, query: record.options.query, gateway: ctx.gateway, sink, signal })];
  }
  return runSlices<T>({
    slices,
    inFlight: ctx.pagesInFlight,
    signal,
    now,
    fetchPage: (slice, s) => objects.fetchPage(ctx.gateway, slice, record.options, s),
    sink,
  });
}
