import { z } from 'zod';
import { connectedAccountIdSchema } from '../api-shape-parts.ts';
import { ACCOUNT_COLUMNS, isAccountColumn } from '../csv/account-row.ts';
import { EXPORT_COLUMNS, isExportColumn, METADATA_PREFIX } from '../csv/columns.ts';
import { AppError } from '../errors.ts';
import { searchQueryProblem } from './search-syntax.ts';

const unixSeconds = z.number().int('must be an integer (unix seconds)').min(0, 'must be ≥ 0 (unix seconds)');

const createdSchema = z.strictObject({
  gt: unixSeconds.optional(),
  gte: unixSeconds.optional(),
  lt: unixSeconds.optional(),
  lte: unixSeconds.optional(),
});

// Stripe caps metadata keys at 40 characters and forbids square brackets in them.
const metadataKey = z
  .string()
  .min(1, 'must not be empty')
  .max(40, 'must be at most 40 characters (Stripe metadata key limit)')
  .regex(/^[^[\]]+$/, 'must not contain [ or ]');

/** The Stripe objects an export can hold; one object per export, never mixed. */
export const EXPORT_OBJECTS = ['customers', 'accounts', 'team_members'] as const;

/** Which Stripe object an export lists. */
export type ExportObject = (typeof EXPORT_OBJECTS)[number];

/** Per object: whether a column can be written, and what to say when it cannot. */
const COLUMN_SETS: Record<ExportObject, { valid: (column: string) => boolean; expected: string }> = {
  customers: { valid: isExportColumn, expected: `${EXPORT_COLUMNS.join(', ')} or metadata.<key>` },
  accounts: { valid: isAccountColumn, expected: `${ACCOUNT_COLUMNS.join(', ')}, capabilities.<name> or metadata.<key>` },
  team_members: { valid: () => false, expected: 'none: a team_members export has fixed columns' },
};

// A column of any object passes here; crossFieldProblems then checks it against the export's own object.
const column = z.string().refine((c) => isExportColumn(c) || isAccountColumn(c), {
  error: (issue) => `unknown column '${String(issue.input)}' (expected one of ${COLUMN_SETS.customers.expected}; for object accounts: ${COLUMN_SETS.accounts.expected})`,
});

/**
 * Options only a customers export takes: Stripe's accounts list has no email filter and no search, and the
 * connected accounts are the platform's list (a `Stripe-Account` header would ask a connected account for its own).
 */
const CUSTOMER_ONLY = ['email', 'query', 'metadata_columns', 'account'] as const;

function unique(list: string[]): boolean {
  return new Set(list).size === list.length;
}

/** Unix seconds bounds on `created`, as Stripe's list filter takes them. */
export type CreatedFilter = z.output<typeof createdSchema>;

/**
 * The export options of a request body: unknown fields and bad values are errors. Every field is optional: the
 * default is every live customer, the default columns, every metadata key present, uncompressed. `email` is Stripe's
 * exact, case-sensitive filter; `query` (Stripe search syntax) switches to `GET /v1/customers/search`; `columns` are
 * a subset of EXPORT_COLUMNS and `metadata.<key>` columns, in file order; `metadata_columns` flattens those keys
 * (default: every key present in the exported customers). `object` picks what is listed: `customers` (default) or
 * `accounts` (connected accounts, `GET /v1/accounts`: no `email`, `query` or `metadata_columns`); `account` exports
 * a connected account's customers (every request sends it as `Stripe-Account`) instead of the platform's.
 */
export const exportOptionsSchema = z.strictObject({
  object: z.enum(EXPORT_OBJECTS, { error: () => `must be one of ${EXPORT_OBJECTS.join(', ')}` }).default('customers'),
  created: createdSchema.optional(),
  email: z.string().trim().min(1, 'must not be empty').max(512, 'must be at most 512 characters').optional(),
  query: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(1000, 'must be at most 1000 characters')
    .superRefine((query, ctx) => {
      if (query === '') return; // min(1) says so already
      const problem = searchQueryProblem(query);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: `not a valid Stripe search query: ${problem}` });
    })
    .optional(),
  columns: z
    .array(column)
    .min(1, 'must list at least one column')
    .max(300, 'must list at most 300 columns')
    .refine(unique, 'must not repeat a column')
    .optional(),
  metadata_columns: z
    .array(metadataKey)
    .max(300, 'must list at most 300 keys')
    .refine(unique, 'must not repeat a key')
    .optional(),
  gzip: z.boolean().optional(),
  account: connectedAccountIdSchema
    .describe("A connected account (`acct_…`): export its customers (sent as `Stripe-Account`) instead of the platform's.")
    .optional(),
  /** team_members only: a SCIM filter (RFC 7644 §3.4.2.2) passed to `GET /Users`, e.g. `userName eq "a@b.co"`. */
  filter: z.string().trim().min(1, 'must not be empty').max(1000, 'must be at most 1000 characters').optional(),
});

/** What one export writes: the validated options, their type derived from the schema that validates them. */
export type ExportOptions = z.output<typeof exportOptionsSchema>;

/** Options as a client sends them (or a record is created with): `object` may be left to its default. */
export type ExportOptionsInput = z.input<typeof exportOptionsSchema>;

/** Rules that involve more than one field; each problem names its field. */
export function crossFieldProblems(options: ExportOptions): string[] {
  const problems: string[] = objectProblems(options);
  if (options.query !== undefined) {
    // Stripe search has no created cursor nor email filter: such conditions belong inside the query itself.
    if (options.created !== undefined) problems.push("created: cannot be combined with query (write created>… inside the query)");
    if (options.email !== undefined) problems.push("email: cannot be combined with query (write email:'…' inside the query)");
  }
  if (options.columns?.some((c) => c.startsWith(METADATA_PREFIX)) && options.metadata_columns !== undefined) {
    problems.push('metadata_columns: cannot be combined with metadata.<key> entries in columns (list them in one place)');
  }
  problems.push(...teamMemberProblems(options));
  const c = options.created;
  if (c !== undefined) {
    const range = normaliseCreated(c);
    if (range.lte !== undefined && range.gte > range.lte) problems.push('created: the range holds no second');
  }
  return problems;
}

/** Options that do not belong to the export's object, and columns the object does not have. */
function objectProblems(options: ExportOptions): string[] {
  const problems: string[] = [];
  if (options.object !== 'customers') {
    for (const field of CUSTOMER_ONLY) {
      if (options[field] !== undefined) problems.push(`${field}: only a customers export takes it (object is ${options.object})`);
    }
  }
  const set = COLUMN_SETS[options.object];
  options.columns?.forEach((c, i) => {
    if (!set.valid(c)) problems.push(`columns.${i}: unknown column '${c}' for object ${options.object} (expected one of ${set.expected})`);
  });
  return problems;
}

/**
 * Team members are Dashboard users over SCIM: their list has no `created` filter (the customer-only options and the
 * fixed columns are objectProblems'), and `filter` (a SCIM filter) is theirs alone.
 */
function teamMemberProblems(options: ExportOptions): string[] {
  if (options.object !== 'team_members') {
    return options.filter === undefined ? [] : ["filter: only applies to object 'team_members' (a SCIM filter)"];
  }
  return options.created === undefined ? [] : ["created: does not apply to object 'team_members' (filter takes a SCIM filter)"];
}

/** Formats zod issues as `path: message` lines, naming unknown fields. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.join('.');
    if (issue.code === 'unrecognized_keys') {
      const where = path === '' ? '' : `${path}.`;
      return issue.keys.map((k) => `${where}${k}: unknown field`).join('; ');
    }
    return `${path === '' ? 'body' : path}: ${issue.message}`;
  });
}

/** Validates a body against `schema` and the cross-field rules; throws a 400 AppError listing every problem. */
export function parseOrThrow<S extends z.ZodType<ExportOptions>>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw invalid(describeIssues(parsed.error));
  const problems = crossFieldProblems(parsed.data);
  if (problems.length > 0) throw invalid(problems);
  return parsed.data;
}

function invalid(problems: string[]): AppError {
  return new AppError('invalid_request', `Invalid export options: ${problems.join('; ')}`, 400, { problems });
}

/** An inclusive range of unix seconds; `lte` undefined means "up to the snapshot". */
export interface CreatedRange {
  gte: number;
  lte: number | undefined;
}

/** Turns gt/gte/lt/lte into one inclusive range (the tighter bound wins when both are given). */
export function normaliseCreated(created: CreatedFilter | undefined): CreatedRange {
  const lows = [created?.gte, created?.gt === undefined ? undefined : created.gt + 1].filter(isNumber);
  const highs = [created?.lte, created?.lt === undefined ? undefined : created.lt - 1].filter(isNumber);
  return {
    gte: lows.length === 0 ? 0 : Math.max(...lows),
    lte: highs.length === 0 ? undefined : Math.min(...highs),
  };
}

function isNumber(v: number | undefined): v is number {
  return v !== undefined;
}
