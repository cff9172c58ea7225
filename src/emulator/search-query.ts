import { invalidRequest } from './api-error.ts';
import type { CustomerRecord } from './customer-record.ts';

/**
 * Stripe's search query language for Customers: clauses `field:value` (exact), `field~value` (substring,
 * at least 3 characters), `created>N` `>=` `<` `<=` `:`, `metadata['key']:'value'`, a leading `-` to negate,
 * joined by AND or by OR but never both (Stripe rejects mixed operators). String matches are case-insensitive
 * here, unlike the list endpoint's `email` filter.
 */
export interface SearchClause {
  field: 'email' | 'name' | 'phone' | 'created' | 'metadata';
  metadataKey?: string;
  operator: ':' | '~' | '>' | '>=' | '<' | '<=';
  value: string | number | null;
  negated: boolean;
}

export interface SearchQuery {
  clauses: SearchClause[];
  join: 'AND' | 'OR';
}

const STRING_FIELDS = new Set(['email', 'name', 'phone']);
const MAX_CLAUSES = 10;

function queryError(message: string): Error {
  return invalidRequest(message, 'query');
}

class Scanner {
  at = 0;
  constructor(readonly text: string) {}
  skipSpace(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at] ?? '')) this.at += 1;
  }
  done(): boolean {
    this.skipSpace();
    return this.at >= this.text.length;
  }
  match(re: RegExp): string | undefined {
    this.skipSpace();
    const m = re.exec(this.text.slice(this.at));
    if (!m || m.index !== 0) return undefined;
    this.at += m[0].length;
    return m[0];
  }
  quoted(): string | undefined {
    this.skipSpace();
    const quote = this.text[this.at];
    if (quote !== "'" && quote !== '"') return undefined;
    let out = '';
    let i = this.at + 1;
    while (i < this.text.length) {
      const ch = this.text.charAt(i);
      if (ch === '\\' && i + 1 < this.text.length) {
        out += this.text.charAt(i + 1);
        i += 2;
        continue;
      }
      if (ch === quote) {
        this.at = i + 1;
        return out;
      }
      out += ch;
      i += 1;
    }
    throw queryError(`Invalid query: unterminated string at position ${this.at}.`);
  }
}

function parseClause(s: Scanner): SearchClause {
  const negated = s.match(/^-/) !== undefined;
  const field = s.match(/^[a-z_]+/);
  if (field === undefined) throw queryError(`Invalid query: expected a field name at position ${s.at}.`);
  let metadataKey: string | undefined;
  if (field === 'metadata') {
    if (s.match(/^\[/) === undefined) throw queryError("Invalid query: metadata must be written metadata['key'].");
    metadataKey = s.quoted();
    if (metadataKey === undefined || s.match(/^\]/) === undefined) {
      throw queryError("Invalid query: metadata must be written metadata['key'].");
    }
  } else if (!STRING_FIELDS.has(field) && field !== 'created') {
    throw queryError(`Field \`${field}\` is an unsupported search field for resource \`customers\`.`);
  }
  const operator = s.match(/^(>=|<=|:|~|>|<)/) as SearchClause['operator'] | undefined;
  if (operator === undefined) throw queryError(`Invalid query: expected an operator after ${field}.`);
  const quoted = s.quoted();
  let value: string | number | null;
  if (quoted !== undefined) value = quoted;
  else {
    const bare = s.match(/^[^\s'"]+/);
    if (bare === undefined) throw queryError(`Invalid query: expected a value after ${field}${operator}.`);
    value = bare === 'null' ? null : /^-?\d+$/.test(bare) ? Number(bare) : bare;
  }
  if (field === 'created') {
    if (operator === '~' || typeof value !== 'number') {
      throw queryError('Invalid query: created takes a unix timestamp with :, >, >=, < or <=.');
    }
  } else {
    if (operator !== ':' && operator !== '~') {
      throw queryError(`Invalid query: ${field} only supports the : and ~ operators.`);
    }
    if (typeof value === 'number') value = String(value);
    if (operator === '~' && (value === null || value.length < 3)) {
      throw queryError('Invalid query: a substring (~) match needs at least 3 characters.');
    }
  }
  return { field: field as SearchClause['field'], operator, value, negated, ...(metadataKey === undefined ? {} : { metadataKey }) };
}

/** Parses a search query; throws an ApiError (param `query`) that says what is wrong. */
export function parseSearchQuery(text: string): SearchQuery {
  const s = new Scanner(text);
  if (s.done()) throw queryError('Invalid query: the query is empty.');
  const clauses: SearchClause[] = [parseClause(s)];
  let join: SearchQuery['join'] | undefined;
  while (!s.done()) {
    const word = s.match(/^(AND|OR)\b/);
    if (word === undefined) throw queryError(`Invalid query: expected AND or OR at position ${s.at}.`);
    if (join !== undefined && join !== word) {
      throw queryError('Invalid query: AND and OR cannot be combined in one query.');
    }
    join = word as SearchQuery['join'];
    clauses.push(parseClause(s));
    if (clauses.length > MAX_CLAUSES) throw queryError(`Invalid query: at most ${MAX_CLAUSES} clauses are allowed.`);
  }
  return { clauses, join: join ?? 'AND' };
}

type Predicate = (record: CustomerRecord) => boolean;

function compileClause(clause: SearchClause): Predicate {
  if (clause.field === 'created') {
    const v = clause.value as number;
    switch (clause.operator) {
      case ':':
        return (r) => r.created === v;
      case '>':
        return (r) => r.created > v;
      case '>=':
        return (r) => r.created >= v;
      case '<':
        return (r) => r.created < v;
      default:
        return (r) => r.created <= v;
    }
  }
  const read: (r: CustomerRecord) => string | null =
    clause.field === 'metadata'
      ? (r) => r.metadata[clause.metadataKey ?? ''] ?? null
      : clause.field === 'email'
        ? (r) => r.email
        : clause.field === 'name'
          ? (r) => r.name
          : (r) => r.phone;
  if (clause.value === null) {
    return (r) => {
      const actual = read(r);
      return actual === null || actual === '';
    };
  }
  // Lower-cased once here, not once per customer: search may scan a million of them.
  const want = String(clause.value).toLowerCase();
  if (clause.operator === '~') {
    return (r) => {
      const actual = read(r);
      return actual !== null && actual.toLowerCase().includes(want);
    };
  }
  return (r) => {
    const actual = read(r);
    // Cheap length check first: most customers differ in length from the wanted value.
    return actual !== null && actual.length === want.length && actual.toLowerCase() === want;
  };
}

/** Turns a parsed query into one predicate, built once per request. */
export function compileQuery(query: SearchQuery): Predicate {
  const tests = query.clauses.map((c) => {
    const test = compileClause(c);
    return c.negated ? (r: CustomerRecord) => !test(r) : test;
  });
  if (tests.length === 1) return tests[0] as Predicate;
  return query.join === 'AND' ? (r) => tests.every((t) => t(r)) : (r) => tests.some((t) => t(r));
}

/** True when the customer satisfies the query. */
export function matchesQuery(record: CustomerRecord, query: SearchQuery): boolean {
  return compileQuery(query)(record);
}
