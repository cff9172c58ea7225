import { resolve } from 'node:path';
import type { AuditRecord } from '../api-types.ts';
import { println, type CliContext } from '../context.ts';
import { EXIT_CODES } from '../exit-codes.ts';
import { followWithProgress, printQueued } from '../follow-job.ts';
import { formatBytes } from '../format.ts';
import { checkOutFree, outPath, type OutputOptions } from '../output-files.ts';

/** Options of `stripe-bulk audit`. */
export interface AuditCommandOptions extends OutputOptions {
  kind: string;
  /** false with `--no-wait`: queue and print the id. Waiting is the default. */
  wait?: boolean;
}

/** One line saying how an audit ended and what it found. */
export function describeAudit(record: AuditRecord): string {
  const counts = record.counts;
  const found =
    counts === undefined
      ? ''
      : `: ${counts.customers} customers walked, ${counts.groups} emails shared by ${counts.customers_in_groups} customers`;
  return `Audit ${record.id} ${record.status}${found}${record.error ? ` (${record.error})` : ''}`;
}

/** Starts an audit (kind checked by the server); unless --no-wait, follows it and downloads its file. */
export async function runAuditCommand(ctx: CliContext, options: AuditCommandOptions): Promise<number> {
  checkOutFree(ctx.cwd, options);
  const created = await ctx.client.createAudit(options.kind);
  if (options.wait === false) return printQueued(ctx, 'Audit', created);
  println(ctx.stderr, `Audit ${created.id}: following it; Ctrl-C stops waiting, the audit goes on.`);
  const final = await followWithProgress(ctx, {
    id: created.id,
    label: `audit ${created.id}`,
    unit: 'customers',
    fetch: () => ctx.client.getAudit(created.id),
    progressOf: (record) => ({ value: record.counts?.customers ?? 0, detail: `${record.counts?.pages ?? 0} pages` }),
  });
  println(ctx.stdout, describeAudit(final));
  if (final.status !== 'completed') return EXIT_CODES.jobFailed;
  const file = await ctx.client.downloadAuditFile(final.id, {
    path: (suggested) => outPath(ctx.cwd, options) ?? resolve(ctx.cwd, suggested ?? `duplicate-emails-${final.id}.csv`),
    overwrite: options.overwrite === true,
  });
  println(ctx.stdout, `File: ${file.path} (${formatBytes(file.bytes)})`);
  return EXIT_CODES.ok;
}
