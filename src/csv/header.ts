import { FIELD_COLUMNS, METADATA_PREFIX, READ_ONLY_COLUMNS } from './columns.ts';
import { metadataKeyProblem, quote } from './validators.ts';

/** One checked header column. */
export interface ImportColumn {
  /** Position in the row (0-based). */
  index: number;
  /** Normalised name, e.g. 'address.city' or 'metadata.Plan' (the metadata key keeps its case). */
  header: string;
  /** 'field' sets a customer field, 'metadata' one metadata key, 'read_only' is written by exports and ignored. */
  kind: 'field' | 'metadata' | 'read_only';
}

/** A header that was checked: its columns in file order. */
export interface ImportHeader {
  columns: ImportColumn[];
  hasEmail: boolean;
  hasId: boolean;
}

/**
 * Thrown for a bad header; `problems` lists every problem (unknown columns, duplicated ones, neither email nor id,
 * empty header cells), each a sentence a user can act on.
 */
export class CsvHeaderError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`Invalid CSV header: ${problems.join('; ')}`);
    this.name = 'CsvHeaderError';
    this.problems = problems;
  }
}

// Names people type for a column we know under another name; only used to make the error say what to write.
const SUGGESTIONS: Readonly<Record<string, string>> = {
  e_mail: 'email',
  'e-mail': 'email',
  email_address: 'email',
  customer_id: 'id',
  full_name: 'name',
  phone_number: 'phone',
  'address.zip': 'address.postal_code',
  'address.postcode': 'address.postal_code',
  'address.line_1': 'address.line1',
  'address.line_2': 'address.line2',
  'shipping.address.zip': 'shipping.address.postal_code',
  zip: 'address.postal_code',
  zip_code: 'address.postal_code',
  postcode: 'address.postal_code',
  locale: 'preferred_locales',
  locales: 'preferred_locales',
};

function suggestionFor(lower: string): string {
  const bracket = /^metadata\[(.*)\]$/.exec(lower);
  if (bracket) return ` (write metadata columns as metadata.<key>)`;
  const known = SUGGESTIONS[lower] ?? (FIELD_COLUMNS.has(`address.${lower}`) ? `address.${lower}` : undefined);
  return known ? ` (did you mean ${known}?)` : '';
}

/** Normalises one header cell: trimmed, lower-cased except the key of a `metadata.<key>` column. */
export function normaliseHeaderName(cell: string): string {
  // A UTF-8 BOM survives when the caller's CSV parser was not told about it (Excel writes one).
  const trimmed = cell.replace(/^\uFEFF/, '').trim();
  if (trimmed.toLowerCase().startsWith(METADATA_PREFIX)) {
    return METADATA_PREFIX + trimmed.slice(METADATA_PREFIX.length);
  }
  return trimmed.toLowerCase();
}

/** Checks a header row and returns its columns; throws {@link CsvHeaderError} listing every problem at once. */
export function parseImportHeader(cells: string[]): ImportHeader {
  const problems: string[] = [];
  const columns: ImportColumn[] = [];
  const seen = new Map<string, number>();

  cells.forEach((cell, index) => {
    const position = `column ${index + 1}`;
    const header = normaliseHeaderName(cell);
    if (header === '') {
      problems.push(`${position} has an empty header`);
      return;
    }
    const first = seen.get(header);
    if (first !== undefined) {
      problems.push(`${quote(header)} appears twice (columns ${first + 1} and ${index + 1})`);
      return;
    }
    seen.set(header, index);

    if (header.startsWith(METADATA_PREFIX)) {
      const problem = metadataKeyProblem(header.slice(METADATA_PREFIX.length));
      if (problem) problems.push(`${position} ${quote(header)}: ${problem}`);
      else columns.push({ index, header, kind: 'metadata' });
    } else if (FIELD_COLUMNS.has(header)) {
      columns.push({ index, header, kind: 'field' });
    } else if (READ_ONLY_COLUMNS.includes(header)) {
      columns.push({ index, header, kind: 'read_only' });
    } else {
      problems.push(`unknown column ${quote(cell.trim())}${suggestionFor(header)}`);
    }
  });

  const hasEmail = seen.has('email');
  const hasId = seen.has('id');
  if (cells.length === 0) problems.push('the header is empty');
  else if (!hasEmail && !hasId) problems.push('the header needs an email column or an id column');
  if (problems.length > 0) throw new CsvHeaderError(problems);
  return { columns, hasEmail, hasId };
}
