import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ADDRESS_PARTS,
  COUNTRY_CODES,
  EXPORT_COLUMNS,
  LIMITS,
  parseCustomerRow,
  parseImportHeader,
  TAX_EXEMPT_VALUES,
  type CustomerInput,
} from '../../../src/csv/index.ts';

/** A cell and what it must do to the expected CustomerInput. */
interface Cell {
  cell: string;
  apply(input: CustomerInput): void;
}

// Array.from splits by code point, on purpose: each one is a character fast-check may draw.
const chars = (alphabet: string) => fc.constantFrom(...Array.from(alphabet));
const word = (alphabet: string, min: number, max: number) => fc.string({ unit: chars(alphabet), minLength: min, maxLength: max });
/**
 * Blanks around a value: every cell is trimmed. No tab right after the value: `'<TAB>` is how the export writes a
 * lone tab (guarded), so a quote followed by a tab reads back as that tab, i.e. empty.
 */
const pad = fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 2 });
const trailingPad = fc.string({ unit: fc.constant(' '), maxLength: 2 });
const padded = (value: fc.Arbitrary<string>) => fc.tuple(pad, value, trailingPad).map(([a, v, b]) => ({ value: v, cell: a + v + b }));

/** Free text as a user may type it: any Unicode, formula triggers included, but not a guard nor edge spaces. */
const text = (max: number) =>
  fc
    .oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: Math.min(max, 60) }), word("=+-@'\"a, é\n", 1, Math.min(max, 12)))
    // Lengths are in UTF-16 code units, as Stripe (and the validator) count them.
    .filter((v) => v === v.trim() && v !== '' && v.length <= max && !/^'+[=+\-@\t\r]/.test(v));

// Case maps code point by code point, so the value is split by code point (Array.from), not by grapheme.
const inAnyCase = (v: string) =>
  fc.array(fc.boolean(), { minLength: v.length, maxLength: v.length }).map((up) => Array.from(v).map((c, i) => (up[i] ? c.toUpperCase() : c.toLowerCase())).join(''));

const email = fc
  .tuple(word('abcxyz019._+-', 1, 20), word('abcdefgh-01', 1, 12), word('abcdefghijk', 2, 6))
  .map(([local, domain, tld]) => `${local}@${domain}.${tld}`);
const locale = fc.tuple(word('abcdefghijklmnopqrstuvwxyz', 2, 3), fc.option(word('ABCDEFGHantZ019', 2, 8), { nil: undefined }));
const COUNTRIES = [...COUNTRY_CODES];

const setText = (assign: (input: CustomerInput, v: string) => void, max: number) =>
  padded(text(max)).map(({ value, cell }): Cell => ({ cell, apply: (i) => assign(i, value) }));

function addressOf(input: CustomerInput, prefix: string): Record<string, string> {
  if (prefix === 'address') return (input.address ??= {});
  const shipping = (input.shipping ??= {});
  return (shipping.address ??= {});
}

/** Valid cells per column: what a user may write, and what the import must make of it. */
const VALID: Record<string, fc.Arbitrary<Cell>> = {
  id: padded(word('ABCxyz0189', 14, 14).map((s) => `cus_${s}`)).map(({ value, cell }) => ({ cell, apply: (i) => (i.id = value) })),
  email: padded(email).map(({ value, cell }) => ({ cell, apply: (i) => (i.email = value) })),
  name: setText((i, v) => (i.name = v), LIMITS.name),
  phone: setText((i, v) => (i.phone = v), LIMITS.phone),
  description: setText((i, v) => (i.description = v), LIMITS.description),
  tax_exempt: fc.constantFrom(...TAX_EXEMPT_VALUES).chain((v) => inAnyCase(v).map((cell) => ({ cell, apply: (i: CustomerInput) => (i.tax_exempt = v) }))),
  preferred_locales: fc.array(locale, { minLength: 1, maxLength: 3 }).map((tags) => {
    const values = tags.map(([lang, region]) => (region === undefined ? lang : `${lang}-${region}`));
    return { cell: values.join(' ; '), apply: (i: CustomerInput) => (i.preferred_locales = values) };
  }),
  invoice_prefix: padded(word('ABCXYZ0123456789', 1, 12)).map(({ value, cell }) => ({ cell, apply: (i) => (i.invoice_prefix = value) })),
  balance: fc.integer({ min: -1e12, max: 1e12 }).map((n) => ({ cell: String(n), apply: (i: CustomerInput) => (i.balance = n) })),
  'shipping.name': setText((i, v) => ((i.shipping ??= {}).name = v), LIMITS.text),
  'shipping.phone': setText((i, v) => ((i.shipping ??= {}).phone = v), LIMITS.text),
};
for (const prefix of ['address', 'shipping.address']) {
  for (const part of ADDRESS_PARTS) {
    VALID[`${prefix}.${part}`] =
      part === 'country'
        ? fc.constantFrom(...COUNTRIES).chain((code) => inAnyCase(code).map((cell) => ({ cell, apply: (i: CustomerInput) => (addressOf(i, prefix)[part] = code) })))
        : setText((i, v) => (addressOf(i, prefix)[part] = v), LIMITS.text);
  }
}
for (const key of ['plan', 'Crm_ID']) {
  VALID[`metadata.${key}`] = setText((i, v) => ((i.metadata ??= {})[key] = v), LIMITS.metadataValue);
}

const ALL_COLUMNS = [...EXPORT_COLUMNS, 'metadata.plan', 'metadata.Crm_ID'];
const IMPORTABLE = Object.keys(VALID);

/** A header (always with email, shipping.name whenever another shipping column is there) and a valid row for it. */
const validRow = fc
  .shuffledSubarray(IMPORTABLE.filter((c) => c !== 'email'))
  .map((picked) => {
    const columns = ['email', ...picked];
    if (columns.some((c) => c.startsWith('shipping.')) && !columns.includes('shipping.name')) columns.push('shipping.name');
    return columns;
  })
  .chain((columns) => fc.tuple(fc.constant(columns), fc.tuple(...columns.map((c) => VALID[c]!))));

describe('row validation (property)', () => {
  it('parses any valid row into the expected CustomerInput', () => {
    fc.assert(
      fc.property(validRow, ([columns, cells]) => {
        const expected: CustomerInput = {};
        for (const c of cells) c.apply(expected);
        const result = parseCustomerRow(parseImportHeader(columns), cells.map((c) => c.cell));
        expect(result).toEqual({ ok: true, input: expected });
      }),
      { numRuns: 400 },
    );
  });

  /** Invalid cells per column, each a mistake a user makes. */
  const INVALID: Record<string, fc.Arbitrary<string>> = {
    id: fc.constantFrom('customer_1', 'cus_', 'cus_ab-cd', `cus_${'a'.repeat(300)}`),
    email: fc.oneof(word('abc.', 1, 10), email.map((e) => e.replace('@', '@@')), email.map((e) => e.replace('@', ' @')), email.map((e) => e.slice(0, e.lastIndexOf('.')))).filter(
      (v) => v.trim() !== '',
    ),
    name: text(30).map((v) => v + 'n'.repeat(LIMITS.name)),
    phone: fc.constantFrom('+1 555 0100 0100 0100 0100', '0'.repeat(21)),
    tax_exempt: word('abcxyz', 1, 8).filter((v) => !(TAX_EXEMPT_VALUES as readonly string[]).includes(v)),
    preferred_locales: fc.constantFrom('e', 'english!', 'en;1', 'fr_FR'),
    invoice_prefix: fc.oneof(word('abc', 1, 5), word('ABC0', 13, 20), fc.constantFrom('AB-C', 'ÀB')),
    balance: fc.constantFrom('1.5', '1,000', 'abc', '12e3', '99999999999999999999', '- 5'),
    'address.country': fc.constantFrom('UK', 'FRA', 'X', '12', 'Germany'),
    'shipping.address.country': fc.constantFrom('UK', 'USA', 'ZZ'),
    'metadata.plan': text(20).map((v) => v + 'm'.repeat(LIMITS.metadataValue)),
  };

  it('refuses an invalid cell naming its column, and never throws', () => {
    const full = fc.tuple(...ALL_COLUMNS.map((c) => VALID[c] ?? fc.constant({ cell: '', apply: () => undefined })));
    fc.assert(
      fc.property(full, fc.constantFrom(...Object.keys(INVALID)).chain((c) => fc.tuple(fc.constant(c), INVALID[c]!)), (cells, [column, bad]) => {
        const row = cells.map((c) => c.cell);
        row[ALL_COLUMNS.indexOf(column)] = bad;
        const result = parseCustomerRow(parseImportHeader(ALL_COLUMNS), row);
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.errors.length).toBeGreaterThan(0);
        expect(result.errors.filter((e) => !e.startsWith(`${column}: `))).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on arbitrary cells, and every problem names a column of the header', () => {
    const header = fc.shuffledSubarray(ALL_COLUMNS, { minLength: 1 }).filter((c) => c.includes('email') || c.includes('id'));
    const anyCell = fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), word("'=+-@\t\r\n ;,.cus_@x", 0, 10));
    fc.assert(
      fc.property(
        header.chain((columns) =>
          fc.tuple(fc.constant(columns), fc.oneof(fc.array(anyCell, { minLength: columns.length, maxLength: columns.length }), fc.array(anyCell))),
        ),
        ([columns, cells]) => {
          const result = parseCustomerRow(parseImportHeader(columns), cells);
          if (result.ok) return;
          // shipping.name is named when missing from the header: it is what the user has to add.
          const named = [...columns, 'metadata', 'email/id', 'shipping.name'];
          for (const error of result.errors) {
            expect(error.startsWith('the row has') || named.some((c) => error.startsWith(`${c}: `))).toBe(true);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
