import { AppError } from '../errors.ts';
import { describeIssues } from '../exports/export-options.ts';
import { isDeletionId } from './deletion-paths.ts';
import { deletionRequestSchema } from './deletion-schema.ts';

/** The options of `POST /v1/deletions`, from the query string, the form fields or the JSON body. */
export interface DeletionOptions {
  dryRun: boolean;
  force: boolean;
  /** The finished dry run a real run carries out. */
  confirm: string | undefined;
  fileName: string | undefined;
  /** Set for an undo (JSON body). */
  importId: string | undefined;
}

const KNOWN = new Set(['dry_run', 'force', 'confirm', 'file_name']);
const TRUE = new Set(['true', '1', 'yes']);
const FALSE = new Set(['false', '0', 'no', '']);

const invalid = (problems: string[]): AppError =>
  new AppError('invalid_request', `Invalid deletion options: ${problems.join('; ')}.`, 400, { problems });

function flag(name: string, text: string | undefined, problems: string[]): boolean | undefined {
  if (text === undefined) return undefined;
  const value = text.trim().toLowerCase();
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  problems.push(`${name} must be true or false (got ${JSON.stringify(text)})`);
  return undefined;
}

/** Reads the query (and form fields) alone; a value may come from either, not both with different values. */
function readText(query: Record<string, unknown>, fields: Record<string, string>, problems: string[]): Record<string, string | undefined> {
  for (const name of Object.keys(query)) if (!KNOWN.has(name)) problems.push(`unknown option ${name}`);
  for (const name of Object.keys(fields)) if (!KNOWN.has(name)) problems.push(`unknown form field ${name}`);
  const out: Record<string, string | undefined> = {};
  for (const name of KNOWN) {
    const raw = query[name];
    if (raw !== undefined && typeof raw !== 'string') problems.push(`${name} must be given once`);
    const fromQuery = typeof raw === 'string' ? raw.trim() : undefined;
    const fromForm = fields[name]?.trim();
    if (fromQuery !== undefined && fromForm !== undefined && fromQuery !== fromForm) {
      problems.push(`${name} is given twice with different values (${fromQuery} and ${fromForm})`);
    }
    out[name] = fromForm ?? fromQuery;
  }
  return out;
}

/** The rules every source shares: `confirm` is a deletion id, and a dry run confirms nothing. */
function crossCheck(options: DeletionOptions, problems: string[]): DeletionOptions {
  if (options.confirm !== undefined && !isDeletionId(options.confirm)) {
    problems.push(`confirm must be the id of a finished dry run, shaped del_ + 16 letters or digits (got ${JSON.stringify(options.confirm)})`);
  }
  if (options.dryRun && options.confirm !== undefined) problems.push('confirm cannot be given with dry_run=true: a dry run confirms nothing');
  if (options.fileName !== undefined && options.fileName.length > 255) problems.push('file_name must be at most 255 characters');
  if (problems.length > 0) throw invalid(problems);
  return options;
}

/** Options of a CSV deletion: the query and the multipart form fields. Throws a 400 naming every bad option. */
export function parseDeletionQuery(query: Record<string, unknown>, fields: Record<string, string> = {}): DeletionOptions {
  const problems: string[] = [];
  const text = readText(query, fields, problems);
  const options: DeletionOptions = {
    dryRun: flag('dry_run', text.dry_run, problems) ?? false,
    force: flag('force', text.force, problems) ?? false,
    confirm: text.confirm || undefined,
    fileName: text.file_name || undefined,
    importId: undefined,
  };
  return crossCheck(options, problems);
}

/** Options of an undo: the JSON body (its schema), and the query for the same flags (not both, differing). */
export function parseDeletionJson(query: Record<string, unknown>, body: unknown): DeletionOptions {
  const problems: string[] = [];
  const parsed = deletionRequestSchema.safeParse(body);
  if (!parsed.success) throw invalid(describeIssues(parsed.error));
  const fromQuery = parseDeletionQuery(query);
  if (fromQuery.fileName !== undefined) problems.push('file_name applies to a CSV upload, not to an undo');
  const pick = <T>(name: string, json: T | undefined, q: T, given: boolean): T => {
    if (json !== undefined && given && json !== q) problems.push(`${name} is given in the query and the body with different values`);
    return json ?? q;
  };
  const options: DeletionOptions = {
    dryRun: pick('dry_run', parsed.data.dry_run, fromQuery.dryRun, query.dry_run !== undefined),
    force: pick('force', parsed.data.force, fromQuery.force, query.force !== undefined),
    confirm: pick('confirm', parsed.data.confirm, fromQuery.confirm, query.confirm !== undefined),
    fileName: undefined,
    importId: parsed.data.import_id,
  };
  return crossCheck(options, problems);
}
