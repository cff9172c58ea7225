import { basename, resolve } from 'node:path';
import { CliUsageError } from '../exit-codes.ts';
import { checkOutFree, outPath, type OutputOptions } from '../output-files.ts';
import type { ExportRecord, ExportRequest } from '../api-types.ts';
import type { ExportObject } from '../../exports/export-options.ts';
import { println, type CliContext } from '../context.ts';
import { formatBytes } from '../format.ts';
import { describeExport, exportExitCode } from '../job-outcome.ts';
import { parseTimeArgument } from '../parse-time.ts';
import { followWithProgress, printQueued } from '../follow-job.ts';

/** Flags of `stripe-bulk export` (and of `schedule create`, which takes the same filters). */
export interface ExportFilterOptions {
  /** Checked by commander against EXPORT_OBJECTS. */
  object?: ExportObject;
  createdGte?: string;
  createdGt?: string;
  createdLte?: string;
  createdLt?: string;
  email?: string;
  query?: string;
  columns?: string;
  metadataColumns?: string;
  gzip?: boolean;
  account?: string;
}

/** Options of `stripe-bulk export`. */
export interface ExportCommandOptions extends ExportFilterOptions, OutputOptions {
  /** false with `--no-wait`: queue and print the id. Waiting is the default. */
  wait?: boolean;
}

function splitList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  return items.length > 0 ? items : undefined;
}

/** Turns the flags into the JSON body of `POST /v1/exports` (bad dates are usage errors, the rest the server checks). */
export function exportRequestFromOptions(options: ExportFilterOptions): ExportRequest {
  const created: NonNullable<ExportRequest['created']> = {};
  if (options.createdGte !== undefined) created.gte = parseTimeArgument('--created-gte', options.createdGte);
  if (options.createdGt !== undefined) created.gt = parseTimeArgument('--created-gt', options.createdGt);
  if (options.createdLte !== undefined) created.lte = parseTimeArgument('--created-lte', options.createdLte);
  if (options.createdLt !== undefined) created.lt = parseTimeArgument('--created-lt', options.createdLt);
  const request: ExportRequest = {};
  if (options.object !== undefined) request.object = options.object;
  if (Object.keys(created).length > 0) request.created = created;
  if (options.email !== undefined) request.email = options.email;
  if (options.query !== undefined) request.query = options.query;
  const columns = splitList(options.columns);
  if (columns) request.columns = columns;
  const metadataColumns = splitList(options.metadataColumns);
  if (metadataColumns) request.metadata_columns = metadataColumns;
  if (options.gzip) request.gzip = true;
  if (options.account !== undefined) request.account = options.account;
  return request;
}

function exportDetail(record: ExportRecord): string {
  if (record.status === 'queued') return 'queued';
  return `${record.counts?.pages ?? 0} pages`;
}

/** Starts an export; unless --no-wait, follows it and downloads the file. */
export async function runExportCommand(ctx: CliContext, options: ExportCommandOptions): Promise<number> {
  const request = exportRequestFromOptions(options);
  checkOutFree(ctx.cwd, options);
  const created = await ctx.client.createExport(request);
  for (const warning of created.warnings ?? []) println(ctx.stderr, `warning: ${warning}`);
  if (options.wait === false) return printQueued(ctx, 'Export', created);
  return followExport(ctx, created.id, options, created.options?.object);
}

/** Shows an export's progress until it ends, prints its summary and downloads the file (`export`, `wait exp_…`). */
export async function followExport(ctx: CliContext, id: string, output: OutputOptions, unit: string = 'customers'): Promise<number> {
  println(ctx.stderr, `Export ${id}: following it; Ctrl-C stops waiting, the export goes on.`);
  const final = await followWithProgress(ctx, {
    id,
    label: `export ${id}`,
    unit,
    fetch: () => ctx.client.getExport(id),
    progressOf: (record) => ({ value: record.counts?.customers ?? 0, detail: exportDetail(record) }),
  });

  println(ctx.stdout, describeExport(final));
  if (final.status !== 'completed') return exportExitCode(final);
  const path = await downloadExport(ctx, final, output);
  println(ctx.stdout, `File: ${path}`);
  return exportExitCode(final);
}

/** Writes a completed export's file to `--out`, else under the server's file name in the current folder. */
export async function downloadExport(ctx: CliContext, record: ExportRecord, output: OutputOptions): Promise<string> {
  if (record.status !== 'completed') {
    const hint = record.status === 'queued' || record.status === 'running' ? ` Wait for it with: ${ctx.commandName} wait ${record.id}` : '';
    throw new CliUsageError(`Export ${record.id} is ${record.status}: there is no file to download.${hint}`);
  }
  const fallbackName = basename(record.file?.name ?? `${record.id}.csv${record.options?.gzip ? '.gz' : ''}`);
  const download = await ctx.client.downloadExportFile(record.id, {
    path: (suggested) => outPath(ctx.cwd, output) ?? resolve(ctx.cwd, suggested ?? fallbackName),
    overwrite: output.overwrite === true,
  });
  return `${download.path} (${formatBytes(download.bytes)})`;
}
