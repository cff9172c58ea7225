import { basename, resolve } from 'node:path';
import type { ExportRecord, ExportRequest } from '../api-types.ts';
import { println, type CliContext } from '../context.ts';
import { EXIT_CODES } from '../exit-codes.ts';
import { formatBytes } from '../format.ts';
import { describeExport, exportExitCode } from '../job-outcome.ts';
import { parseTimeArgument } from '../parse-time.ts';
import { createProgressReporter } from '../progress.ts';
import { waitForJob } from '../wait-for-job.ts';

/** Flags of `stripe-bulk export` (and of `schedule create`, which takes the same filters). */
export interface ExportFilterOptions {
  createdGte?: string;
  createdGt?: string;
  createdLte?: string;
  createdLt?: string;
  email?: string;
  query?: string;
  columns?: string;
  metadataColumns?: string;
  gzip?: boolean;
}

/** Options of `stripe-bulk export`. */
export interface ExportCommandOptions extends ExportFilterOptions {
  out?: string;
  /** `--no-wait`: queue and print the id. */
  wait: boolean;
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
  if (Object.keys(created).length > 0) request.created = created;
  if (options.email !== undefined) request.email = options.email;
  if (options.query !== undefined) request.query = options.query;
  const columns = splitList(options.columns);
  if (columns) request.columns = columns;
  const metadataColumns = splitList(options.metadataColumns);
  if (metadataColumns) request.metadata_columns = metadataColumns;
  if (options.gzip) request.gzip = true;
  return request;
}

function exportDetail(record: ExportRecord): string {
  if (record.status === 'queued') return 'queued';
  return `${record.counts?.pages ?? 0} pages, ${formatBytes(record.counts?.bytes ?? 0)}`;
}

/** Starts an export, follows it with a progress bar and downloads the file. */
export async function runExportCommand(ctx: CliContext, options: ExportCommandOptions): Promise<number> {
  const request = exportRequestFromOptions(options);
  const created = await ctx.client.createExport(request);
  for (const warning of created.warnings ?? []) println(ctx.stderr, `warning: ${warning}`);
  if (!options.wait) {
    println(ctx.stdout, created.id);
    println(ctx.stderr, `Export ${created.id} ${created.status}. Follow it with: stripe-bulk status ${created.id}`);
    return EXIT_CODES.ok;
  }

  println(ctx.stderr, `Export ${created.id} queued.`);
  const progress = createProgressReporter({
    stream: ctx.stderr,
    interactive: ctx.interactive,
    label: `export ${created.id}`,
    unit: 'customers',
    lineIntervalMs: ctx.progressLineIntervalMs,
  });
  let final: ExportRecord;
  try {
    final = await waitForJob({
      id: created.id,
      fetch: () => ctx.client.getExport(created.id),
      intervalMs: ctx.pollIntervalMs,
      signal: ctx.signal,
      onUpdate: (record) => progress.update({ value: record.counts?.customers ?? 0, detail: exportDetail(record) }),
    });
  } finally {
    progress.stop();
  }

  println(ctx.stdout, describeExport(final));
  if (final.status !== 'completed') return exportExitCode(final);
  const fallbackName = basename(final.file?.name ?? `${final.id}.csv${request.gzip ? '.gz' : ''}`);
  const download = await ctx.client.downloadExportFile(final.id, (suggested) =>
    options.out ? resolve(ctx.cwd, options.out) : resolve(ctx.cwd, suggested ?? fallbackName),
  );
  println(ctx.stdout, `File: ${download.path} (${formatBytes(download.bytes)})`);
  return exportExitCode(final);
}
