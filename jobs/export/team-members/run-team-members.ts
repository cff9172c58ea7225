import { createReadStream, createWriteStream } from 'node:fs';
import { appendFile, mkdir, rename, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { ScimRequestError } from '../../../src/scim/scim-error.ts';
import type { Logger } from '../../../src/logger.ts';
import { exportDir, partsDir } from '../../../src/exports/export-paths.ts';
import type { ExportRecord } from '../../../src/exports/export-record.ts';
import type { ExportStore } from '../../../src/exports/export-store.ts';
import type { ScimClient } from '../../../src/scim/scim-client.ts';
import type { ExportRunResult } from '../export-run.ts';
import type { ExportProgress } from '../progress-reporter.ts';
import { TEAM_MEMBER_COLUMNS, TEAM_MEMBER_HEADER, teamMemberLine } from './team-member-row.ts';
import { ListKeptChangingError, walkStep } from './team-members-walk.ts';
import { WalkCheckpoint, type WalkState } from './walk-checkpoint.ts';

/** Everything one attempt of a team_members export needs. */
export interface TeamMembersRunContext {
  record: ExportRecord;
  store: ExportStore;
  redis: Redis;
  prefix: string;
  dataDir: string;
  scim: ScimClient;
  logger: Logger;
  signal?: AbortSignal | undefined;
  reportProgress(progress: ExportProgress): Promise<void>;
  pageSize?: number;
}

/**
 * A SCIM answer no retry can change (a bad token, a refused filter) or a list that never held still ends the export
 * at once, with the reason, instead of after every attempt's back-off.
 */
function asUnrecoverable(err: unknown): never {
  if ((err instanceof ScimRequestError && !err.retryable) || err instanceof ListKeptChangingError) {
    throw new UnrecoverableError(`team members could not be read: ${err.message}`);
  }
  throw err;
}

/** The download name: `team-members-<export id>-<YYYY-MM-DD>.csv[.gz]`, the day the export started (UTC). */
export function teamMembersFileName(exportId: string, atMs: number, gzip: boolean): string {
  return `team-members-${exportId}-${new Date(atMs).toISOString().slice(0, 10)}.csv${gzip ? '.gz' : ''}`;
}

const workingPath = (dataDir: string, id: string): string => join(partsDir(dataDir, id), 'team-members.csv');

const FRESH: WalkState = { start: 1, lastTotal: null, anchor: null, bytes: Buffer.byteLength(TEAM_MEMBER_HEADER), rows: 0, pages: 0, rewinds: 0 };

/** The checkpointed walk with its file cut back to the checkpoint, or a new walk (also when the file is shorter). */
async function loadOrStart(ctx: TeamMembersRunContext, checkpoint: WalkCheckpoint, path: string): Promise<{ state: WalkState; ids: Set<string> }> {
  const loaded = await checkpoint.load();
  if (loaded !== null) {
    const size = await stat(path).then((s) => s.size, () => -1);
    if (size >= loaded.state.bytes) {
      await truncate(path, loaded.state.bytes);
      ctx.logger.info({ rows: loaded.state.rows, start: loaded.state.start }, 'resuming the team member walk from its checkpoint');
      return loaded;
    }
    ctx.logger.warn({ size, checkpointed: loaded.state.bytes }, 'the working file is shorter than its checkpoint: starting the walk over');
    await checkpoint.clear();
  }
  await mkdir(partsDir(ctx.dataDir, ctx.record.id), { recursive: true });
  await writeFile(path, TEAM_MEMBER_HEADER);
  await checkpoint.commit(FRESH, []);
  return { state: { ...FRESH }, ids: new Set() };
}

/** Moves (or gzips) the working file to its download name; answers the file's size. */
async function finishFile(path: string, outPath: string, gzip: boolean): Promise<number> {
  if (gzip) await pipeline(createReadStream(path), createGzip(), createWriteStream(outPath));
  else await rename(path, outPath);
  return (await stat(outPath)).size;
}

/**
 * Runs (or resumes) a team_members export: walks `GET /Users` by offset (team-members-walk.ts), appends each page's
 * users not written before, then commits the walk's position and their ids; the finished file replaces the working
 * one. Users are written in the order the walk first meets them.
 */
export async function runTeamMembersExport(ctx: TeamMembersRunContext): Promise<ExportRunResult> {
  const { record } = ctx;
  const checkpoint = new WalkCheckpoint(ctx.redis, ctx.prefix, record.id);
  const path = workingPath(ctx.dataDir, record.id);
  const loaded = await loadOrStart(ctx, checkpoint, path);
  let state = loaded.state;
  const written = loaded.ids;
  for (let done = false; !done; ) {
    if (await ctx.store.isCancelRequested(record.id)) return { status: 'cancelled' };
    const step = await walkStep(ctx.scim, state, written, { filter: record.options.filter, pageSize: ctx.pageSize, signal: ctx.signal }).catch(asUnrecoverable);
    if (step.state.rewinds > state.rewinds) {
      ctx.logger.info({ start: state.start, total: step.state.lastTotal, before: state.lastTotal }, 'team member list changed during the walk: rereading from the first page');
    }
    const lines = step.fresh.map(teamMemberLine).join('');
    if (lines !== '') await appendFile(path, lines);
    state = { ...step.state, bytes: state.bytes + Buffer.byteLength(lines), rows: state.rows + step.fresh.length };
    await checkpoint.commit(state, step.fresh.map((u) => u.id));
    for (const u of step.fresh) written.add(u.id);
    const counts = { customers: state.rows, pages: state.pages, bytes: state.bytes };
    if (!(await ctx.store.setUnlessCancelled(record.id, counts))) return { status: 'cancelled' };
    await ctx.reportProgress({ ...counts, rate: 0 });
    done = step.done;
  }
  const gzip = record.options.gzip === true;
  const name = teamMembersFileName(record.id, record.startedAt ?? Date.now(), gzip);
  const bytes = await finishFile(path, join(exportDir(ctx.dataDir, record.id), name), gzip);
  if (state.rewinds > 0) {
    // The operator's only sign that the list moved under the walk: members present throughout are each in the file once.
    const warning = `the team member list changed during the export (${state.rewinds} rereads from the first page): every member present throughout is in the file once; members added or removed meanwhile may or may not be`;
    await ctx.store.setUnlessCancelled(record.id, { warnings: JSON.stringify([...record.warnings, warning]) });
  }
  await checkpoint.clear();
  ctx.logger.info({ rows: state.rows, pages: state.pages, rewinds: state.rewinds, bytes }, 'team member file written');
  return { status: 'completed', file: { name, bytes, rows: state.rows, columns: [...TEAM_MEMBER_COLUMNS] } };
}
