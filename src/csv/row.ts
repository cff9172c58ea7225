import { FIELD_COLUMNS, METADATA_PREFIX } from './columns.ts';
import type { CustomerInput } from './customer-input.ts';
import { restoreFormula } from './formula.ts';
import type { ImportHeader } from './header.ts';
import { LIMITS } from './validators.ts';

/** One row checked: the fields it sets, or every problem found, each naming its column. */
export type RowResult = { ok: true; input: CustomerInput } | { ok: false; errors: string[] };

/**
 * Turns a cell into its value: the export's formula guard removed, then trimmed (a cell of only spaces is empty).
 * The guard is looked for on the cell as written, before trimming: the export decides on the untrimmed value, so
 * trimming first would take ` '=x` (a value with a leading space, exported unguarded) for a guarded `=x`, and would
 * hide the trigger of a guarded tab (`'<TAB>`), leaving a stray quote. Both were found by a property test.
 */
export function cellValue(raw: string): string {
  return restoreFormula(raw).trim();
}

/**
 * Checks one data row against a checked header. Empty cells leave fields unchanged; read-only columns
 * (created, currency, delinquent, livemode) are ignored. Every problem of the row is reported, not only the first.
 */
export function parseCustomerRow(header: ImportHeader, cells: string[]): RowResult {
  const expected = header.columns.length;
  if (cells.length !== expected) {
    return {
      ok: false,
      errors: [`the row has ${cells.length} cells but the header has ${expected} columns`],
    };
  }

  const input: CustomerInput = {};
  const errors: string[] = [];
  let metadataCount = 0;

  for (const column of header.columns) {
    const value = cellValue(cells[column.index] ?? '');
    if (value === '' || column.kind === 'read_only') continue;

    if (column.kind === 'metadata') {
      if (value.length > LIMITS.metadataValue) {
        errors.push(`${column.header}: is ${value.length} characters long, the limit is ${LIMITS.metadataValue}`);
        continue;
      }
      (input.metadata ??= {})[column.header.slice(METADATA_PREFIX.length)] = value;
      metadataCount += 1;
      continue;
    }

    const spec = FIELD_COLUMNS.get(column.header);
    const problem = spec ? spec.apply(input, value) : `unknown column`;
    if (problem) errors.push(`${column.header}: ${problem}`);
  }

  if (metadataCount > LIMITS.metadataKeys) {
    errors.push(`metadata: ${metadataCount} keys are set, Stripe allows ${LIMITS.metadataKeys}`);
  }
  if (input.shipping && input.shipping.name === undefined) {
    // Stripe's shipping hash requires `name` (and replaces the whole hash), so a partial one cannot be sent.
    errors.push('shipping.name: is required when other shipping columns are filled');
  }
  if (input.email === undefined && input.id === undefined && !errors.some(isIdentityError)) {
    errors.push(`${identityColumns(header)}: the row has neither an email nor an id`);
  }

  return errors.length > 0 ? { ok: false, errors } : { ok: true, input };
}

function isIdentityError(error: string): boolean {
  return error.startsWith('email:') || error.startsWith('id:');
}

function identityColumns(header: ImportHeader): string {
  if (header.hasEmail && header.hasId) return 'email/id';
  return header.hasEmail ? 'email' : 'id';
}
