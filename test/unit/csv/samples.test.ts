import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { parseCustomerRow, parseImportHeader, toCreateParams, type RowResult } from '../../../src/csv/index.ts';

const SAMPLES_DIR = fileURLToPath(new URL('../../../samples/', import.meta.url));

/** Per sample: the number of data rows and, for each invalid data row (1-based), the column its first error names. */
const EXPECTED: Record<string, { rows: number; invalid: Record<number, string> }> = {
  'customers.csv': { rows: 50, invalid: {} },
  'customers-minimal.csv': { rows: 10, invalid: {} },
  'customers-upsert-by-id.csv': { rows: 6, invalid: {} },
  'customers-excel.csv': { rows: 5, invalid: {} },
  'customers-with-errors.csv': {
    rows: 10,
    invalid: { 2: 'email', 4: 'address.country', 5: 'metadata.note', 7: 'tax_exempt', 8: 'balance', 9: 'email' },
  },
};

/** Reads a sample as the importer does: csv-parse with the BOM stripped, wrong cell counts left to the row check. */
function readSample(file: string): { raw: Buffer; results: RowResult[] } {
  const raw = readFileSync(`${SAMPLES_DIR}${file}`);
  const [headerCells, ...rows] = parse(raw, { bom: true, relax_column_count: true });
  const header = parseImportHeader(headerCells ?? []);
  return { raw, results: rows.map((cells) => parseCustomerRow(header, cells)) };
}

describe('samples/', () => {
  it('has an expectation for every CSV file', () => {
    const files = readdirSync(SAMPLES_DIR).filter((f) => f.endsWith('.csv')).sort();
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s parses with the expected valid and invalid rows', (file, expected) => {
    const { results } = readSample(file);
    expect(results).toHaveLength(expected.rows);
    results.forEach((result, i) => {
      const column = expected.invalid[i + 1];
      if (column === undefined) {
        if (!result.ok) throw new Error(`${file} row ${i + 1}: ${result.errors.join('; ')}`);
        expect(Object.keys(toCreateParams(result.input)).length).toBeGreaterThan(0);
      } else {
        expect(result.ok, `${file} row ${i + 1}`).toBe(false);
        if (!result.ok) expect(result.errors[0]).toMatch(new RegExp(`^${column.replace('.', '\\.')}: `));
      }
    });
  });

  it('customers.csv holds the cases the README promises', () => {
    const inputs = readSample('customers.csv').results.flatMap((r) => (r.ok ? [r.input] : []));
    const emails = inputs.map((i) => i.email ?? '');
    expect(emails.length - new Set(emails).size).toBe(2); // two exact repeats
    expect(emails.length - new Set(emails.map((e) => e.toLowerCase())).size).toBe(3); // plus one case variant
    expect(inputs.some((i) => i.description?.includes('\n'))).toBe(true);
    expect(inputs.some((i) => i.name?.includes(','))).toBe(true);
    expect(new Set(inputs.map((i) => i.address?.country)).size).toBeGreaterThan(20);
    expect(inputs.every((i) => i.metadata?.crm_id !== undefined)).toBe(true);
  });

  it('customers-excel.csv starts with a BOM, uses CRLF and restores formula-guarded cells', () => {
    const { raw, results } = readSample('customers-excel.csv');
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(raw.toString('utf8')).toContain('\r\n');
    const second = results[1];
    expect(second?.ok && second.input).toMatchObject({ name: '=Not a formula', phone: '+1 555 0100', balance: -500 });
    const fifth = results[4];
    expect(fifth?.ok && fifth.input.address).toEqual({ city: 'Porto', country: 'PT' });
  });

  it('customers-with-errors.csv reports the documented messages', () => {
    const errors = readSample('customers-with-errors.csv').results.flatMap((r) => (r.ok ? [] : r.errors));
    expect(errors).toEqual([
      "email: 'not-an-email' is not a valid email address",
      "address.country: 'FRA' is not a two-letter country code",
      'metadata.note: is 531 characters long, the limit is 500',
      "tax_exempt: 'yes' is not one of none, exempt, reverse",
      "balance: '12.50' is not a whole number of cents (e.g. -500)",
      'email: the row has neither an email nor an id',
    ]);
  });
});
