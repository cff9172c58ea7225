import { readHeaderCells } from '../imports/upload/check-header.ts';
import { storageError } from '../imports/upload/storage-error.ts';
import { AppError } from '../errors.ts';

/** Where the columns a deprovision reads sit in its CSV (other columns are ignored). */
export interface DeprovisionColumns {
  email: number | undefined;
  id: number | undefined;
}

/** Finds `email` and `id` in a header (trimmed, case-insensitive); throws a 400 naming the missing column. */
export function deprovisionColumns(cells: readonly string[]): DeprovisionColumns {
  const names = cells.map((c) => c.trim().toLowerCase());
  const at = (name: string): number | undefined => {
    const i = names.indexOf(name);
    return i === -1 ? undefined : i;
  };
  const columns = { email: at('email'), id: at('id') };
  if (columns.email === undefined && columns.id === undefined) {
    throw new AppError(
      'invalid_header',
      `The CSV header needs an email column (matched to userName) or an id column (the SCIM user id); it has: ${cells.join(', ') || 'nothing'}.`,
      400,
      { problems: ['header: needs an email or an id column'] },
    );
  }
  return columns;
}

/** Checks the header of an uploaded deprovision file before anything is queued (400 naming the problem). */
export async function checkDeprovisionHeader(path: string): Promise<DeprovisionColumns> {
  let cells: string[] | null;
  try {
    cells = await readHeaderCells(path);
  } catch (err) {
    throw storageError(err) ?? new AppError('not_csv', `The file is not valid CSV: ${(err as Error).message}`, 400);
  }
  if (cells === null || cells.every((c) => c.trim() === '')) {
    throw new AppError('empty_header', 'The file is empty or its first line is blank: it needs a header line such as "email".', 400);
  }
  return deprovisionColumns(cells);
}

const KNOWN = new Set(['dry_run', 'file_name']);
const TRUE = new Set(['true', '1', 'yes']);
const FALSE = new Set(['false', '0', 'no', '']);

/** The options of `POST /v1/team-member-deprovisions`, from the query or the form fields. */
export interface DeprovisionOptions {
  dryRun: boolean;
  fileName: string | undefined;
}

/** Reads dry_run and file_name as the import reads its options; throws a 400 naming every bad one. */
export function parseDeprovisionOptions(query: Record<string, unknown>, fields: Record<string, string> = {}): DeprovisionOptions {
  const problems: string[] = [];
  const source = { ...query, ...fields };
  for (const name of Object.keys(source)) if (!KNOWN.has(name)) problems.push(`unknown option ${name}`);
  const text = (name: string): string | undefined => {
    const v = source[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') {
      problems.push(`${name} must be given once`);
      return undefined;
    }
    return v.trim();
  };
  const dry = text('dry_run')?.toLowerCase();
  const fileName = text('file_name');
  if (dry !== undefined && !TRUE.has(dry) && !FALSE.has(dry)) problems.push(`dry_run must be true or false (got ${JSON.stringify(dry)})`);
  if (fileName !== undefined && fileName.length > 255) problems.push('file_name must be at most 255 characters');
  if (problems.length > 0) throw new AppError('invalid_request', `Invalid deprovision options: ${problems.join('; ')}.`, 400, { problems });
  return { dryRun: dry !== undefined && TRUE.has(dry), fileName: fileName || undefined };
}
