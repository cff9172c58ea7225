import { stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ApiError } from '../api-client.ts';
import type { ImportRecord } from '../api-types.ts';
import { println, type CliContext } from '../context.ts';
import { CliUsageError, EXIT_CODES } from '../exit-codes.ts';
import { describeImport, importExitCode } from '../job-outcome.ts';
import { createProgressReporter } from '../progress.ts';
import { waitForJob } from '../wait-for-job.ts';

/** Options of `stripe-bulk import FILE`. */
export interface ImportCommandOptions {
  mode: 'create' | 'upsert';
  dryRun: boolean;
  wait: boolean;
  /** Where to write the results; default `<name>.results.csv` next to the input. */
  results?: string | undefined;
}

/** `dir/customers.csv` → `dir/customers.results.csv` (any other extension is kept: `x.txt.results.csv`). */
export function resultsPathFor(inputPath: string): string {
  const name = basename(inputPath);
  const stem = extname(name).toLowerCase() === '.csv' ? name.slice(0, -4) : name;
  return join(dirname(inputPath), `${stem}.results.csv`);
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

function importDetail(record: ImportRecord): string {
  const c = record.counts ?? {};
  const parts = [
    `${(c.created ?? 0) + (c.would_create ?? 0)} created`,
    `${(c.updated ?? 0) + (c.would_update ?? 0)} updated`,
    `${c.failed ?? 0} failed`,
  ];
  return record.status === 'queued' ? 'queued' : parts.join(', ');
}

/** Uploads the file; with --wait, follows the import, writes its results next to the input and returns its exit code. */
export async function runImportCommand(ctx: CliContext, file: string, options: ImportCommandOptions): Promise<number> {
  const inputPath = resolve(ctx.cwd, file);
  await checkReadableFile(inputPath);
  const created = await ctx.client.createImport(inputPath, {
    mode: options.mode,
    dryRun: options.dryRun,
    fileName: basename(inputPath),
  });
  if (!options.wait) {
    println(ctx.stdout, created.id);
    println(ctx.stderr, `Import ${created.id} ${created.status}. Follow it with: stripe-bulk status ${created.id}`);
    return EXIT_CODES.ok;
  }

  println(ctx.stderr, `Import ${created.id} queued (mode ${options.mode}${options.dryRun ? ', dry run' : ''}).`);
  const progress = createProgressReporter({
    stream: ctx.stderr,
    interactive: ctx.interactive,
    label: `import ${created.id}`,
    unit: 'rows',
    lineIntervalMs: ctx.progressLineIntervalMs,
  });
  let final: ImportRecord;
  try {
    final = await waitForJob({
      id: created.id,
      fetch: () => ctx.client.getImport(created.id),
      intervalMs: ctx.pollIntervalMs,
      signal: ctx.signal,
      onUpdate: (record) => {
        const total = record.counts?.total;
        progress.update({
          value: record.counts?.processed ?? 0,
          total: total && total > 0 ? total : undefined,
          detail: importDetail(record),
        });
      },
    });
  } finally {
    progress.stop();
  }

  println(ctx.stdout, describeImport(final));
  const resultsPath = options.results ? resolve(ctx.cwd, options.results) : resultsPathFor(inputPath);
  try {
    const download = await ctx.client.downloadImportResults(final.id, resultsPath);
    println(ctx.stdout, `Results: ${download.path}`);
  } catch (err) {
    // A job that failed before its first row has no results file; that is not a second error worth exit 1.
    if (!(err instanceof ApiError) || final.status === 'completed') throw err;
    println(ctx.stderr, `No results file: ${err.serverMessage}`);
  }
  return importExitCode(final);
}
