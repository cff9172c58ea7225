import { connectedAccountIdSchema } from '../../api-shape-parts.ts';
import { AppError } from '../../errors.ts';
import { IMPORT_MODES, type ImportMode } from '../import-types.ts';

/** The options of `POST /v1/imports`, from the query string or the form fields. */
/** How rows find existing customers: per-row `?email=` look-ups, or a walk of every customer first (dedupe=scan). */
export type DedupeMode = 'lookup' | 'scan';

export interface ImportOptions {
  mode: ImportMode;
  dryRun: boolean;
  dedupe: DedupeMode;
  fileName: string | undefined;
  /** A connected account (`acct_…`): every Stripe request of the import sends it as `Stripe-Account`. */
  account: string | undefined;
}

const KNOWN = new Set(['mode', 'dry_run', 'file_name', 'account', 'dedupe']);
const TRUE = new Set(['true', '1', 'yes']);
const FALSE = new Set(['false', '0', 'no', '']);

function single(source: Record<string, unknown>, name: string, problems: string[]): string | undefined {
  const value = source[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    problems.push(`${name} must be given once`);
    return undefined;
  }
  return value.trim();
}

/**
 * Reads mode (create|upsert, default create), dry_run (true|false, default false), dedupe (lookup|scan, default
 * lookup) and file_name. A value may
 * come from the query or the form, not from both with different values. Throws a 400 naming every bad option.
 */
export function parseImportOptions(query: Record<string, unknown>, fields: Record<string, string> = {}): ImportOptions {
  const problems: string[] = [];
  for (const name of Object.keys(query)) if (!KNOWN.has(name)) problems.push(`unknown option ${name}`);
  for (const name of Object.keys(fields)) if (!KNOWN.has(name)) problems.push(`unknown form field ${name}`);
  const read = (name: string): string | undefined => {
    const fromQuery = single(query, name, problems);
    const fromForm = fields[name]?.trim();
    if (fromQuery !== undefined && fromForm !== undefined && fromQuery !== fromForm) {
      problems.push(`${name} is given twice with different values (${fromQuery} and ${fromForm})`);
    }
    return fromForm ?? fromQuery;
  };
  const modeText = read('mode')?.toLowerCase();
  const dryText = read('dry_run')?.toLowerCase();
  const fileName = read('file_name');
  const dedupeText = read('dedupe')?.toLowerCase();
  let mode: ImportMode = 'create';
  if (modeText !== undefined && modeText !== '') {
    if ((IMPORT_MODES as readonly string[]).includes(modeText)) mode = modeText as ImportMode;
    else problems.push(`mode must be create or upsert (got ${JSON.stringify(modeText)})`);
  }
  let dryRun = false;
  if (dryText !== undefined) {
    if (TRUE.has(dryText)) dryRun = true;
    else if (!FALSE.has(dryText)) problems.push(`dry_run must be true or false (got ${JSON.stringify(dryText)})`);
  }
  let dedupe: DedupeMode = 'lookup';
  if (dedupeText === 'scan') dedupe = 'scan';
  else if (dedupeText !== undefined && dedupeText !== '' && dedupeText !== 'lookup') {
    problems.push(`dedupe must be lookup or scan (got ${JSON.stringify(dedupeText)})`);
  }
  if (fileName !== undefined && fileName.length > 255) problems.push('file_name must be at most 255 characters');
  const account = read('account') || undefined;
  const accountCheck = account === undefined ? undefined : connectedAccountIdSchema.safeParse(account);
  if (accountCheck?.success === false) {
    problems.push(`account ${accountCheck.error.issues.map((i) => i.message).join(', ')} (got ${JSON.stringify(account)})`);
  }
  if (problems.length > 0) {
    throw new AppError('invalid_request', `Invalid import options: ${problems.join('; ')}.`, 400, { problems });
  }
  return { mode, dryRun, dedupe, fileName: fileName || undefined, account };
}
