import { existsSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { CliUsageError } from './exit-codes.ts';

/** `--out` and `--overwrite`, shared by every command that writes a file. */
export interface OutputOptions {
  out?: string | undefined;
  overwrite?: boolean | undefined;
}

/**
 * The default name of an import's results: `<input stem>.<imp_id>.results.csv`, or `….dry-run.results.csv`. The id
 * keeps a later run (a dry run, say) of the same file from replacing it. It is written in the current folder, never
 * beside the input: a `samples/*.csv` loop would pick it up there.
 */
export function resultsFileName(inputName: string | null | undefined, importId: string, dryRun: boolean): string {
  const name = basename(inputName || 'import');
  const stem = extname(name).toLowerCase() === '.csv' ? name.slice(0, -4) : name;
  return `${stem || 'import'}.${importId}${dryRun ? '.dry-run' : ''}.results.csv`;
}

/** The absolute path `--out` names (relative to the user's folder), or undefined when not given. */
export function outPath(cwd: string, options: OutputOptions): string | undefined {
  return options.out === undefined ? undefined : resolve(cwd, options.out);
}

/** Fails before any work is queued when `--out` names a file that exists and `--overwrite` was not given. */
export function checkOutFree(cwd: string, options: OutputOptions): void {
  const path = outPath(cwd, options);
  if (path !== undefined && !options.overwrite && existsSync(path)) {
    throw new CliUsageError(`--out ${options.out}: ${path} already exists; choose another file or pass --overwrite.`);
  }
}
