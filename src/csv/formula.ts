/**
 * Formula-injection guard for spreadsheet users, made exactly reversible so an exported file re-imports unchanged.
 *
 * Rule (also in samples/README.md):
 * - export: a cell matching /^'*[=+\-@\t\r]/ that is NOT a plain number (/^[+-]?\d+(\.\d+)?$/) gets ONE leading `'`;
 * - import: a cell matching /^'+[=+\-@\t\r]/ loses ONE leading `'` (checked before the cell is trimmed).
 *
 * Why the `'*` prefix: a value that already starts with quotes followed by a trigger (`'=x`) must gain a quote too
 * (`''=x`), otherwise the importer could not tell it from a neutralised `=x`. That makes the pair a bijection:
 * `=SUM(A1)` → `'=SUM(A1)` → `=SUM(A1)`; `'=x` → `''=x` → `'=x`; `-500` stays `-500` (numbers are data, not
 * formulas, and balances must stay numeric in a spreadsheet); `+1 555-0100` → `'+1 555-0100`.
 */

const NEEDS_GUARD = /^'*[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;
const GUARDED = /^'+[=+\-@\t\r]/;

/** Prefixes one `'` to a cell a spreadsheet would evaluate as a formula (see the rule above). */
export function neutraliseFormula(cell: string): string {
  if (NEEDS_GUARD.test(cell) && !PLAIN_NUMBER.test(cell)) return `'${cell}`;
  return cell;
}

/** Reverses {@link neutraliseFormula}: removes one leading `'` from a guarded cell. */
export function restoreFormula(cell: string): string {
  return GUARDED.test(cell) ? cell.slice(1) : cell;
}
