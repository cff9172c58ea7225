import { println, type CliContext } from '../context.ts';
import { CliUsageError, EXIT_CODES } from '../exit-codes.ts';
import type { OutputOptions } from '../output-files.ts';
import { downloadExport, followExport } from './export-command.ts';
import { downloadResults, followImport } from './import-command.ts';

/** `imp_…` or `exp_…`, or a usage error naming what was expected. */
export function jobKind(id: string, expected: 'import' | 'export' | 'either'): 'import' | 'export' {
  const kind = id.startsWith('imp_') ? 'import' : id.startsWith('exp_') ? 'export' : undefined;
  if (kind !== undefined && (expected === 'either' || expected === kind)) return kind;
  const want = expected === 'import' ? 'an import id (imp_…)' : expected === 'export' ? 'an export id (exp_…)' : 'an import id (imp_…) or an export id (exp_…)';
  throw new CliUsageError(`'${id}' is not ${want}.`);
}

/** `stripe-bulk wait ID`: re-attaches to a job (after Ctrl-C or --no-wait) and ends as `import`/`export` would. */
export async function runWaitCommand(ctx: CliContext, id: string, output: OutputOptions): Promise<number> {
  return jobKind(id, 'either') === 'import' ? followImport(ctx, id, output) : followExport(ctx, id, output);
}

/** `stripe-bulk results IMP_ID`: the import's results (so far, while it runs). */
export async function runResultsCommand(ctx: CliContext, id: string, output: OutputOptions): Promise<number> {
  jobKind(id, 'import');
  const record = await ctx.client.getImport(id);
  const path = await downloadResults(ctx, record, output);
  const partial = record.status === 'queued' || record.status === 'running';
  println(ctx.stdout, `Results: ${path}`);
  if (partial) println(ctx.stderr, `Import ${id} is ${record.status}: these are the rows done so far.`);
  return EXIT_CODES.ok;
}

/** `stripe-bulk download EXP_ID`: the file of a finished export (one started with --no-wait or by a schedule). */
export async function runDownloadCommand(ctx: CliContext, id: string, output: OutputOptions): Promise<number> {
  jobKind(id, 'export');
  const record = await ctx.client.getExport(id);
  println(ctx.stdout, `File: ${await downloadExport(ctx, record, output)}`);
  return EXIT_CODES.ok;
}

/** `stripe-bulk cancel ID`: a queued job is cancelled at once; a running one stops before its next write. */
export async function runCancelCommand(ctx: CliContext, id: string): Promise<number> {
  const kind = jobKind(id, 'either');
  const record = kind === 'import' ? await ctx.client.cancelImport(id) : await ctx.client.cancelExport(id);
  const label = kind === 'import' ? 'Import' : 'Export';
  if (record.status === 'cancelled') println(ctx.stderr, `${label} ${id} cancelled.`);
  else println(ctx.stderr, `${label} ${id}: cancel requested; it stops before its next write. Check with: ${ctx.commandName} status ${id}`);
  println(ctx.stdout, record.status);
  return EXIT_CODES.ok;
}
