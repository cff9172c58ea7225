import { setMaxListeners } from 'node:events';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Logger } from '../../src/logger.ts';
import { customerToLine } from './customer-line.ts';
import { planColumns } from './export-columns.ts';
import { normaliseCreated } from '../../src/exports/export-options.ts';
import { exportDir, exportFileName, partPath } from '../../src/exports/export-paths.ts';
import type { ExportRecord } from '../../src/exports/export-record.ts';
import type { ExportStore } from '../../src/exports/export-store.ts';
import { appendPart, restorePart } from './part-files.ts';
import { SliceCheckpoint } from './slice-checkpoint.ts';
import { fileOrder, initialSlices, pageParams, type SliceState } from './slice-plan.ts';
import type { CustomerGateway } from '../../src/stripe/customer-gateway.ts';
import { createProgressReporter, type ExportProgress } from './progress-reporter.ts';
import { createFileRenderer } from './render-while-fetching.ts';
import type { RenderedFile } from './csv-output.ts';
import { runSearchPages } from './search-pages.ts';
import { runSlices, type PageSink } from './slice-runner.ts';

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

/**
 * Runs (or resumes) one export to its final file: plan or load the slices, cut every part file back to its
 * checkpoint, fetch the remaining pages (parallel slices, or sequential search pages), then render the file.
 */
export async function runExport(ctx: ExportRunContext): Promise<ExportRunResult> {
  const now = ctx.now ?? Date.now;
  const { record } = ctx;
  const checkpoint = new SliceCheckpoint(ctx.redis, ctx.prefix, record.id);
  let slices = await checkpoint.load();
  let snapshot = record.snapshotLte;
  if (slices.length === 0) {
    ({ slices, snapshot } = await planSlices(ctx, now));
    await checkpoint.saveInitial(slices);
  } else {
    ctx.logger.info({ slices: slices.length, done: slices.filter((s) => s.done).length }, 'resuming export from its checkpoint');
  }
  for (const slice of slices) await restorePart(partPath(ctx.dataDir, record.id, slice.id), slice.bytes);

  const cancel = new AbortController();
  const signal = ctx.signal === undefined ? cancel.signal : AbortSignal.any([ctx.signal, cancel.signal]);
  // The search loop and the render listen to this signal besides the slice runner's requests.
  setMaxListeners(0, signal);
  const totals = { ...record.counts };
  const progress = createProgressReporter(ctx.reportProgress, totals.customers);

  // A default-columns export needs every metadata key present for its header: collected while fetching (and kept
  // in Redis with each checkpoint); the renderer uses the keys seen so far and redoes a part if more turn up.
  const plan = planColumns(record.options);
  const metadataKeys = new Set(plan.kind === 'all_metadata' ? await checkpoint.loadMetadataKeys() : []);
  let newKeys: string[] = [];
  const fileDate = snapshot === null ? (record.startedAt ?? now()) : snapshot * 1000;
  const name = exportFileName(record.id, fileDate, record.options.gzip === true);
  // Finished slices become CSV while the rest is fetched (those of an earlier attempt are rendered again).
  const renderer = createFileRenderer({
    dataDir: ctx.dataDir,
    exportId: record.id,
    plan,
    metadataKeys,
    outPath: join(exportDir(ctx.dataDir, record.id), name),
    gzip: record.options.gzip === true,
    signal,
  });
  for (const slice of slices) renderer.update(slice);
  const sink: PageSink = {
    write(sliceId, customers) {
      if (plan.kind === 'all_metadata') {
        for (const customer of customers) {
          for (const key of Object.keys(customer.metadata ?? {})) {
            if (!metadataKeys.has(key)) {
              metadataKeys.add(key);
              newKeys.push(key);
            }
          }
        }
      }
      return appendPart(partPath(ctx.dataDir, record.id, sliceId), customers.map(customerToLine).join(''));
    },
    async checkpoint(changed, delta) {
      const keys = newKeys;
      newKeys = [];
      const { cancelRequested } = await checkpoint.commit(changed, delta, keys);
      for (const slice of changed) renderer.update(slice);
      totals.customers += delta.customers;
      totals.pages += delta.pages;
      totals.bytes += delta.bytes;
      await progress.update(totals);
      if (cancelRequested) cancel.abort(USER_CANCEL_REASON);
    },
  };

  const fetchStartedAt = now();
  try {
    try {
      slices = await fetchPages(ctx, slices, sink, signal, now);
    } catch (err) {
      if (cancel.signal.aborted || (await ctx.store.isCancelRequested(record.id))) return { status: 'cancelled' };
      throw err;
    }
    if (await ctx.store.isCancelRequested(record.id)) return { status: 'cancelled' };
    const fetchMs = now() - fetchStartedAt;
    ctx.logger.info({ ...totals, slices: slices.length, ms: fetchMs }, 'every page fetched; writing the file');

    for (const slice of slices) renderer.update(slice);
    const { queueMs, lateParts, lateAppends, restarted, ...file } = await renderer.finish();
    const ms = now() - fetchStartedAt - fetchMs;
    ctx.logger.info({ rows: file.rows, bytes: file.bytes, ms, queueMs, lateParts, lateAppends, restarted }, 'file written');
    await progress.update({ ...totals, bytes: file.bytes }, true);
    return { status: 'completed', file: { ...file, name } };
  } finally {
    // Nothing may still write into the export's directory once this attempt is over (it may be deleted next).
    await renderer.close();
  }
}

/** Fetches every remaining page: parallel slices, or the sequential pages of a search. */
async function fetchPages(
  ctx: ExportRunContext,
  slices: SliceState[],
  sink: PageSink,
  signal: AbortSignal,
  now: () => number,
): Promise<SliceState[]> {
  const { record } = ctx;
  if (record.mode === 'search') {
    const [only] = slices;
    if (only === undefined || record.options.query === undefined) return slices;
    return [await runSearchPages({ slice: only, query: record.options.query, gateway: ctx.gateway, sink, signal })];
  }
  return runSlices({
    slices,
    inFlight: ctx.pagesInFlight,
    signal,
    now,
    fetchPage: (slice, s) => ctx.gateway.listPage(pageParams(slice, record.options.email), s),
    sink,
  });
}
