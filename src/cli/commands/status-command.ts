import { println, type CliContext } from '../context.ts';
import { describeExport, describeImport, exportExitCode, importExitCode } from '../job-outcome.ts';
import { jobKind } from './job-commands.ts';

/** Options of `stripe-bulk status ID`. */
export interface StatusCommandOptions {
  json: boolean;
}

/**
 * Prints an import (`imp_…`) or an export (`exp_…`) with its rate and, for an import, what is left. The exit code tells a script the job's outcome with the same
 * table as `import --wait`: 0 queued/running/clean, 2 finished with failed rows, 3 failed or cancelled.
 */
export async function runStatusCommand(ctx: CliContext, id: string, options: StatusCommandOptions): Promise<number> {
  if (jobKind(id, 'either') === 'import') {
    const record = await ctx.client.getImport(id);
    println(ctx.stdout, options.json ? JSON.stringify(record, null, 2) : describeImport(record));
    return importExitCode(record);
  }
  const record = await ctx.client.getExport(id);
  println(ctx.stdout, options.json ? JSON.stringify(record, null, 2) : describeExport(record));
  return exportExitCode(record);
}
