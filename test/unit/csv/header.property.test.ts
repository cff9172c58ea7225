import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CsvHeaderError,
  FIELD_COLUMNS,
  METADATA_PREFIX,
  normaliseHeaderName,
  parseImportHeader,
  READ_ONLY_COLUMNS,
} from '../../../src/csv/index.ts';

const KNOWN = [...FIELD_COLUMNS.keys(), ...READ_ONLY_COLUMNS];
const KNOWN_SET = new Set(KNOWN);

/** Spaces and tabs a spreadsheet or a hand-written file may leave around a header cell. */
const pad = fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 3 });

/** A name written in any mix of upper and lower case. */
function anyCase(name: string): fc.Arbitrary<string> {
  return fc
    .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
    // Case maps code point by code point, so the name is split by code point (Array.from), not by grapheme.
    .map((upper) => Array.from(name).map((ch, i) => (upper[i] ? ch.toUpperCase() : ch)).join(''));
}

/** A metadata key Stripe accepts: 1–40 characters, no brackets, nothing a trim would remove at either end. */
const metadataKey = fc
  .string({ unit: fc.constantFrom('a', 'B', 'z', '_', '-', '.', '1', 'é', ' ', 'Q'), minLength: 1, maxLength: 40 })
  .filter((k) => k.trim() === k);

/** A header cell for a normalised column name, in any case (metadata keys keep theirs) and padded. */
function cellFor(column: string): fc.Arbitrary<string> {
  const written = column.startsWith(METADATA_PREFIX)
    ? anyCase('metadata.').map((prefix) => prefix + column.slice(METADATA_PREFIX.length))
    : anyCase(column);
  return fc.tuple(pad, written, pad).map(([a, w, b]) => a + w + b);
}

/** A valid header: distinct known columns and metadata keys, including email or id, in any order. */
const validColumns = fc
  .tuple(
    fc.constantFrom('email', 'id'),
    fc.uniqueArray(fc.constantFrom(...KNOWN), { maxLength: 12 }),
    fc.uniqueArray(metadataKey, { maxLength: 4 }),
  )
  .chain(([identity, fields, keys]) => {
    const columns = [...new Set([identity, ...fields]), ...keys.map((k) => METADATA_PREFIX + k)];
    return fc.shuffledSubarray(columns, { minLength: columns.length, maxLength: columns.length });
  });

const header = validColumns.chain((columns) =>
  fc.tuple(fc.constant(columns), fc.tuple(...columns.map(cellFor)), fc.boolean()).map(([cols, cells, bom]) => ({
    columns: cols,
    // Excel's BOM survives when the parser was not told about it.
    cells: bom ? [`\uFEFF${cells[0]}`, ...cells.slice(1)] : cells,
  })),
);

function headerError(cells: string[]): CsvHeaderError {
  try {
    parseImportHeader(cells);
  } catch (err) {
    if (err instanceof CsvHeaderError) return err;
    throw err;
  }
  throw new Error(`expected the header to be refused: ${JSON.stringify(cells)}`);
}

describe('header check (property)', () => {
  it('accepts any header of known columns in any case, order and padding', () => {
    fc.assert(
      fc.property(header, ({ columns, cells }) => {
        const parsed = parseImportHeader(cells);
        expect(parsed.columns.map((c) => c.header)).toEqual(columns);
        expect(parsed.columns.map((c) => c.index)).toEqual(columns.map((_, i) => i));
        expect(parsed.hasEmail).toBe(columns.includes('email'));
        expect(parsed.hasId).toBe(columns.includes('id'));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a header with an unknown column, naming it', () => {
    const unknown = fc
      .string({ unit: fc.constantFrom('a', 'x', '_', '.', 'E', 'm', 'l', 'i', '1', ' ', '-'), minLength: 1, maxLength: 30 })
      .filter((name) => {
        const n = normaliseHeaderName(name);
        return n !== '' && !KNOWN_SET.has(n) && !n.startsWith(METADATA_PREFIX);
      });
    fc.assert(
      fc.property(header, unknown, fc.nat(), ({ cells }, name, at) => {
        const withUnknown = [...cells];
        withUnknown.splice(at % (cells.length + 1), 0, name);
        const err = headerError(withUnknown);
        expect(err.problems.some((p) => p.startsWith(`unknown column '${name.trim()}'`))).toBe(true);
        expect(err.message).toContain(name.trim());
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a header with a column twice (in any case or padding), naming it and both positions', () => {
    fc.assert(
      fc.property(
        header.chain((h) =>
          fc.tuple(fc.constant(h), fc.nat({ max: h.columns.length - 1 }).chain((i) => fc.tuple(fc.constant(i), cellFor(h.columns[i]!)))),
        ),
        fc.nat(),
        ([{ columns, cells }, [which, again]], at) => {
          const position = which + 1 + (at % (cells.length - which));
          const twice = [...cells];
          twice.splice(position, 0, again);
          const err = headerError(twice);
          expect(err.problems).toContain(`'${columns[which]}' appears twice (columns ${which + 1} and ${position + 1})`);
        },
      ),
      { numRuns: 500 },
    );
  });
});
