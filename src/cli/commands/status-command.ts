import { println, type CliContext } from '../context.ts';
import { CliUsageError } from '../exit-codes.ts';
import { describeExport, describeImport, exportExitCode, importExitCode } from '../job-outcome.ts';

/** Options of `stripe-bulk status ID`. */
export interface StatusCommandOptions {
  json: boolean;
}

/**
 * Prints an import (`imp_…`) or an export (`exp_…`). The exit code tells a script the job's outcome with the same
 * table as `import --wait`: 0 queued/running/clean, 2 finished with failed rows, 3 failed or cancelled.
 */
export async function runStatusCommand(ctx: CliContext, id: string, options: StatusCommandOptions): Promise<number> {
  if (id.startsWith('imp_')) {
    const record = await ctx.client.getImport(id);
    println(ctx.stdout, options.json ? JSON.stringify(record, null, 2) : describeImport(record));
    return importExitCode(record);
  }
  if (id.startsWith('exp_')) {
    const record = await ctx.client.getExport(id);
    println(ctx.stdout, options.json ? JSON.stringify(record, null, 2) : describeExport(record));
    return exportExitCode(record);
  }
  throw new CliUsageError(`'${id}' is neither an import id (imp_…) nor an export id (exp_…).`);
}
