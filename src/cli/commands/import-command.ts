import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { ApiError } from '../api-client.ts';
import type { ImportRecord } from '../api-types.ts';
import { println, type CliContext } from '../context.ts';
import { CliUsageError } from '../exit-codes.ts';
import { describeImport, importCountsText, importExitCode } from '../job-outcome.ts';
import { checkOutFree, outPath, resultsFileName, type OutputOptions } from '../output-files.ts';
import { followWithProgress, printQueued } from '../follow-job.ts';

/** Options of `stripe-bulk import FILE`. */
export interface ImportCommandOptions extends OutputOptions {
  mode: 'create' | 'upsert';
  dryRun: boolean;
  /** `--account acct_…`: import into that connected account. */
  account?: string;
  dedupe?: 'lookup' | 'scan';
  /** false with `--no-wait`; waiting is the default. */
  wait?: boolean;
  /** The old name of `--out`, still accepted. */
  results?: string | undefined;
}

async function checkReadableFile(path: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new CliUsageError(`Cannot read ${path}: no such file.`);
  }
  if (!info.isFile()) throw new CliUsageError(`${path} is not a file.`);
}

/** Uploads the file; unless --no-wait, follows the import and downloads its results. */
export async function runImportCommand(ctx: CliContext, file: string, options: ImportCommandOptions): Promise<number> {
  const inputPath = resolve(ctx.cwd, file);
  await checkReadableFile(inputPath);
  const output: OutputOptions = { out: options.out ?? options.results, overwrite: options.overwrite };
  checkOutFree(ctx.cwd, output);
  const created = await ctx.client.createImport(inputPath, {
    mode: options.mode,
    dryRun: options.dryRun,
    fileName: basename(inputPath),
    account: options.account,
    ...(options.dedupe === undefined ? {} : { dedupe: options.dedupe }),
  });
  if (options.wait === false) return printQueued(ctx, 'Import', created);
  return followImport(ctx, created.id, output);
}

/** Shows an import's progress until it ends, prints its summary and downloads its results (`import`, `wait imp_…`). */
export async function followImport(ctx: CliContext, id: string, output: OutputOptions): Promise<number> {
  const first = await ctx.client.getImport(id);
  println(
    ctx.stderr,
    `Import ${id} (mode ${first.mode}${first.dry_run ? ', dry run' : ''}${first.account ? `, connected account ${first.account}` : ''}): following it; Ctrl-C stops waiting, the import goes on.`,
  );
  const final = await followWithProgress(ctx, {
    id,
    label: `import ${id}`,
    unit: 'rows',
    fetch: () => ctx.client.getImport(id),
    progressOf: (record) => ({
      value: record.counts.processed,
      total: record.counts.total > 0 ? record.counts.total : undefined,
      detail: record.status === 'queued' ? 'queued' : importCountsText(record),
    }),
  });

  println(ctx.stdout, describeImport(final));
  try {
    const download = await downloadResults(ctx, final, output);
    println(ctx.stdout, `Results: ${download}`);
  } catch (err) {
    // A job that failed before its first row has no results file; that is not a second error worth exit 1.
    if (!(err instanceof ApiError) || final.status === 'completed') throw err;
    println(ctx.stderr, `No results file: ${err.serverMessage}`);
  }
  return importExitCode(final);
}

/** Writes an import's results to `--out`, else `<input>.<imp_id>[.dry-run].results.csv` in the current folder. */
export async function downloadResults(ctx: CliContext, record: ImportRecord, output: OutputOptions): Promise<string> {
  const target = outPath(ctx.cwd, output) ?? resolve(ctx.cwd, resultsFileName(record.file_name, record.id, record.dry_run));
  const download = await ctx.client.downloadImportResults(record.id, { path: () => target, overwrite: output.overwrite === true });
  return download.path;
}
