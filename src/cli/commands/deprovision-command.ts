import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { DeprovisionJson } from '../../deprovisions/deprovision-schema.ts';
import { println, type CliContext } from '../context.ts';
import { CliUsageError, EXIT_CODES } from '../exit-codes.ts';
import { followWithProgress } from '../follow-job.ts';
import { checkOutFree, outPath, resultsFileName, type OutputOptions } from '../output-files.ts';

/** Options of `stripe-bulk deprovision FILE`. */
export interface DeprovisionCommandOptions extends OutputOptions {
  dryRun: boolean;
}

/** 0 when every row went as asked, 2 when some rows failed or were ambiguous, 3 when the job failed or was cancelled. */
export function deprovisionExitCode(record: DeprovisionJson): number {
  if (record.status !== 'completed') return EXIT_CODES.jobFailed;
  return record.counts.failed + record.counts.ambiguous > 0 ? EXIT_CODES.rowsFailed : EXIT_CODES.ok;
}

/**
 * Uploads a CSV of team members to deactivate (or, with --dry-run, to report on), follows the job, prints its
 * summary (which carries the API-key warning) and downloads results.csv.
 */
export async function runDeprovisionCommand(ctx: CliContext, file: string, options: DeprovisionCommandOptions): Promise<number> {
  const inputPath = resolve(ctx.cwd, file);
  const info = await stat(inputPath).catch(() => null);
  if (info === null) throw new CliUsageError(`Cannot read ${inputPath}: no such file.`);
  if (!info.isFile()) throw new CliUsageError(`${inputPath} is not a file.`);
  checkOutFree(ctx.cwd, options);
  const created = await ctx.client.createDeprovision(inputPath, { dryRun: options.dryRun, fileName: basename(inputPath) });
  const id = created.id;
  println(ctx.stderr, `Team member deprovision ${id}${created.dry_run ? ' (dry run)' : ''}: following it; Ctrl-C stops waiting, the job goes on.`);
  const final = await followWithProgress(ctx, {
    id,
    label: `deprovision ${id}`,
    unit: 'rows',
    fetch: () => ctx.client.getDeprovision(id),
    progressOf: (record) => ({ value: record.counts.rows, total: undefined, detail: record.status }),
  });
  println(ctx.stdout, `Deprovision ${id} ${final.status}. ${final.summary}`);
  if (final.error !== null) println(ctx.stderr, `Error: ${final.error}`);
  const target = outPath(ctx.cwd, options) ?? resolve(ctx.cwd, resultsFileName(created.file_name, id, created.dry_run));
  const download = await ctx.client.downloadDeprovisionResults(id, { path: () => target, overwrite: options.overwrite === true });
  println(ctx.stdout, `Results: ${download.path}`);
  return deprovisionExitCode(final);
}
