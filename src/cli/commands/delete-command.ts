import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CreateDeletionOptions } from '../api-client.ts';
import type { DeletionRecord } from '../api-types.ts';
import { println, type CliContext } from '../context.ts';
import { CliUsageError, EXIT_CODES } from '../exit-codes.ts';
import { followWithProgress } from '../follow-job.ts';
import { checkOutFree, outPath, type OutputOptions } from '../output-files.ts';

/** Options of `stripe-bulk delete FILE` and `stripe-bulk undo imp_…`. */
export interface DeleteCommandOptions extends OutputOptions {
  dryRun: boolean;
  confirm?: string | undefined;
  force: boolean;
  /** false with `--no-wait`. */
  wait?: boolean;
}

/** Runs a command's work with the context its options give (main.ts's `act`). */
type Act = (command: Command, work: (ctx: CliContext) => Promise<number>) => Promise<void>;

const DELETION_ID = /^del_[A-Za-z0-9]{16}$/;
const IMPORT_ID = /^imp_[A-Za-z0-9]{16}$/;

function requestOf(options: DeleteCommandOptions): CreateDeletionOptions {
  if (options.dryRun && options.confirm !== undefined) throw new CliUsageError('Give --dry-run or --confirm <del_id>, not both.');
  if (!options.dryRun && options.confirm === undefined) {
    throw new CliUsageError('Deleting is permanent: run with --dry-run first, review its results, then run again with --confirm <del_id of the dry run>.');
  }
  if (options.confirm !== undefined && !DELETION_ID.test(options.confirm)) throw new CliUsageError(`--confirm takes the id of a dry run, del_…; got ${options.confirm}.`);
  return { dryRun: options.dryRun, confirm: options.confirm, force: options.force };
}

/** `deleted 3, kept 2 (…)`: the counts a person reads; a dry run shows would_delete instead of deleted. */
function countsText(record: DeletionRecord): string {
  const c = record.counts;
  const first = record.dry_run ? `would delete ${String(c.would_delete)}` : `deleted ${String(c.deleted)}`;
  return `${first}, kept ${String(c.kept)}, already deleted ${String(c.already_deleted)}, failed ${String(c.failed)} of ${String(c.total)}`;
}

function exitCode(record: DeletionRecord): number {
  if (record.status === 'failed' || record.status === 'cancelled') return EXIT_CODES.jobFailed;
  return record.counts.failed > 0 ? EXIT_CODES.rowsFailed : EXIT_CODES.ok;
}

/** Follows a deletion to its end, downloads its results and says what to run next after a dry run. */
async function followDeletion(ctx: CliContext, created: DeletionRecord, output: OutputOptions, again: string): Promise<number> {
  const id = created.id;
  println(ctx.stderr, `Deletion ${id}${created.dry_run ? ' (dry run)' : ''}: following it; Ctrl-C stops waiting, the deletion goes on.`);
  const final = await followWithProgress(ctx, {
    id,
    label: `deletion ${id}`,
    unit: 'rows',
    fetch: () => ctx.client.getDeletion(id),
    progressOf: (r) => ({ value: r.counts.processed, total: r.counts.total > 0 ? r.counts.total : undefined, detail: r.status === 'queued' ? 'queued' : countsText(r) }),
  });
  println(ctx.stdout, `Deletion ${id} ${final.status}: ${countsText(final)}`);
  const target = outPath(ctx.cwd, output) ?? resolve(ctx.cwd, `${id}${final.dry_run ? '.dry-run' : ''}.results.csv`);
  const download = await ctx.client.downloadDeletionResults(id, { path: () => target, overwrite: output.overwrite === true });
  println(ctx.stdout, `Results: ${download.path}`);
  if (final.dry_run && final.status === 'completed') println(ctx.stdout, `Review them, then delete with: ${ctx.commandName} ${again} --confirm ${id}`);
  return exitCode(final);
}

/** `delete FILE`: a CSV of customer ids or emails. */
export async function runDeleteCommand(ctx: CliContext, file: string, options: DeleteCommandOptions): Promise<number> {
  const request = requestOf(options);
  const path = resolve(ctx.cwd, file);
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) throw new CliUsageError(`Cannot read ${path}: no such file.`);
  checkOutFree(ctx.cwd, options);
  const created = await ctx.client.createDeletion(path, basename(path), request);
  if (options.wait === false) return queued(ctx, created);
  return followDeletion(ctx, created, options, `delete ${file}${options.force ? ' --force' : ''}`);
}

/** `undo imp_…`: the customers an import created. */
export async function runUndoCommand(ctx: CliContext, importId: string, options: DeleteCommandOptions): Promise<number> {
  if (!IMPORT_ID.test(importId)) throw new CliUsageError(`undo takes an import id, imp_…; got ${importId}.`);
  const request = requestOf(options);
  checkOutFree(ctx.cwd, options);
  const created = await ctx.client.undoImport(importId, request);
  if (options.wait === false) return queued(ctx, created);
  return followDeletion(ctx, created, options, `undo ${importId}${options.force ? ' --force' : ''}`);
}

function queued(ctx: CliContext, created: DeletionRecord): number {
  println(ctx.stdout, created.id);
  println(ctx.stderr, `Deletion ${created.id} ${created.status}; its status is at /v1/deletions/${created.id}.`);
  return EXIT_CODES.ok;
}

function withOptions(command: Command): Command {
  return command
    .option('--dry-run', 'delete nothing: report what would be deleted and why customers are kept', false)
    .option('--confirm <del_id>', 'carry out this finished dry run of the same source (required unless --dry-run)')
    .option('--force', 'also delete customers with subscriptions, a balance, a payment method or changes since the import', false)
    .option('--no-wait', 'only queue it: print the deletion id and exit 0')
    .option('--out <file>', 'where to write the results (default: <del_id>[.dry-run].results.csv in the current folder)')
    .option('--overwrite', 'replace the --out file if it exists');
}

/** `delete` and `undo`: reviewed deletions, always a dry run first. */
export function addDeletionCommands(program: Command, act: Act): void {
  withOptions(
    program.command('delete').description('delete the customers a CSV names (column id or email): --dry-run first, then --confirm').argument('<file>', 'the CSV file'),
  ).action((file: string, options: DeleteCommandOptions, command: Command) => act(command, (ctx) => runDeleteCommand(ctx, file, options)));
  withOptions(
    program.command('undo').description('delete the customers an import created (unchanged ones only): --dry-run first, then --confirm').argument('<imp_id>', 'imp_…'),
  ).action((id: string, options: DeleteCommandOptions, command: Command) => act(command, (ctx) => runUndoCommand(ctx, id, options)));
}
