/**
 * A syntax check of Stripe's search query language for Customers, run before an export is queued so a typo is a
 * 400 at once instead of a job that fails on Stripe's answer: clauses `field:value`, `field~value`, `created>N`
 * (`>=` `<` `<=` `:`), `metadata['key']:'value'`, an optional leading `-`, joined by AND or by OR but never both,
 * at most 10 clauses, no parentheses. Only the grammar and the field names are checked; what Stripe decides about
 * values (e.g. substring length) is left to Stripe, whose 400 then fails the export at once.
 */
const FIELDS = new Set(['created', 'email', 'metadata', 'name', 'phone']);
const MAX_CLAUSES = 10;

/** `'…'` or `"…"` with backslash escapes, or a bare word; answers the text after it, or a problem. */
function value(text: string): { rest: string; numeric: boolean } | string {
  const rest = text.trimStart();
  const quote = rest[0];
  if (quote === "'" || quote === '"') {
    for (let i = 1; i < rest.length; i++) {
      if (rest[i] === '\\') i += 1;
      else if (rest[i] === quote) return { rest: rest.slice(i + 1), numeric: false };
    }
    return `unterminated ${quote} string`;
  }
  const bare = /^[^\s'"]+/.exec(rest)?.[0];
  if (bare === undefined) return 'a value is missing';
  return { rest: rest.slice(bare.length), numeric: /^-?\d+$/.test(bare) };
}

function clause(text: string): { rest: string } | string {
  // Like Stripe's grammar (and the emulator's scanner), blanks may stand between any two tokens.
  const head = /^-?\s*([a-z_]+)/.exec(text);
  if (head === null) return `expected a field (${[...FIELDS].join(', ')}) at '${text.slice(0, 20)}'`;
  const field = head[1] ?? '';
  if (!FIELDS.has(field)) return `'${field}' is not a searchable customer field (${[...FIELDS].join(', ')})`;
  let rest = text.slice(head[0].length).trimStart();
  if (field === 'metadata') {
    const key = /^\[\s*(?:'[^']*'|"[^"]*")\s*\]/.exec(rest);
    if (key === null) return "metadata must be written metadata['key']";
    rest = rest.slice(key[0].length).trimStart();
  }
  const operator = /^(>=|<=|:|~|>|<)/.exec(rest)?.[0];
  if (operator === undefined) return `expected an operator (: ~ > >= < <=) after ${field}`;
  if (field !== 'created' && operator !== ':' && operator !== '~') return `${field} takes only : or ~`;
  const v = value(rest.slice(operator.length));
  if (typeof v === 'string') return `${v} after ${field}${operator}`;
  if (field === 'created' && (operator === '~' || !v.numeric)) return 'created takes a unix timestamp (created>1700000000)';
  return { rest: v.rest };
}

/** The first problem of a search query, or null when Stripe's grammar accepts it. */
export function searchQueryProblem(query: string): string | null {
  let rest = query.trim();
  let join: string | undefined;
  for (let count = 1; ; count++) {
    if (count > MAX_CLAUSES) return `at most ${MAX_CLAUSES} clauses`;
    const parsed = clause(rest);
    if (typeof parsed === 'string') return parsed;
    rest = parsed.rest.trimStart();
    if (rest === '') return null;
    // As Stripe's grammar (and the emulator): a word boundary ends the operator, so `'a'AND-b:1` is two clauses.
    const word = /^(AND|OR)\b\s*/.exec(rest);
    if (word === null) return `expected AND or OR at '${rest.slice(0, 20)}'`;
    if (join !== undefined && join !== word[1]) return 'AND and OR cannot be combined in one query';
    join = word[1];
    rest = rest.slice(word[0].length);
  }
}
