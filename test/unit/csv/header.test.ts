import { describe, expect, it } from 'vitest';
import { CsvHeaderError, parseImportHeader } from '../../../src/csv/index.ts';

function problemsOf(cells: string[]): string[] {
  try {
    parseImportHeader(cells);
  } catch (error) {
    expect(error).toBeInstanceOf(CsvHeaderError);
    return (error as CsvHeaderError).problems;
  }
  throw new Error('expected a CsvHeaderError');
}

describe('parseImportHeader', () => {
  it('normalises names case-insensitively and trimmed, keeping the case of metadata keys', () => {
    const cells = [' EMAIL ', 'Address.City', 'METADATA.Plan', 'metadata.crm_id', 'Shipping.Address.Line1'];
    const header = parseImportHeader(cells);
    expect(header).toEqual({
      columns: [
        { index: 0, header: 'email', kind: 'field' },
        { index: 1, header: 'address.city', kind: 'field' },
        { index: 2, header: 'metadata.Plan', kind: 'metadata' },
        { index: 3, header: 'metadata.crm_id', kind: 'metadata' },
        { index: 4, header: 'shipping.address.line1', kind: 'field' },
      ],
      hasEmail: true,
      hasId: false,
    });
  });

  it('accepts the read-only export columns and marks them read_only', () => {
    const header = parseImportHeader(['id', 'created', 'currency', 'delinquent', 'livemode']);
    expect(header.hasId).toBe(true);
    expect(header.hasEmail).toBe(false);
    expect(header.columns.map((c) => c.kind)).toEqual(['field', 'read_only', 'read_only', 'read_only', 'read_only']);
  });

  it('accepts every importable column', () => {
    const parts = ['line1', 'line2', 'city', 'state', 'postal_code', 'country'];
    const cells = [
      'id', 'email', 'name', 'phone', 'description', 'tax_exempt', 'preferred_locales', 'invoice_prefix', 'balance',
      ...parts.map((p) => `address.${p}`), 'shipping.name', 'shipping.phone',
      ...parts.map((p) => `shipping.address.${p}`),
    ];
    expect(parseImportHeader(cells).columns.every((c) => c.kind === 'field')).toBe(true);
  });

  it('strips a UTF-8 BOM left on the first cell', () => {
    expect(parseImportHeader(['\uFEFFemail']).hasEmail).toBe(true);
  });

  it('treats metadata keys differing in case as different columns', () => {
    expect(parseImportHeader(['email', 'metadata.plan', 'metadata.Plan']).columns).toHaveLength(3);
  });

  it('lists every problem at once', () => {
    const problems = problemsOf(['name', 'Foo', 'NAME', ' ', 'metadata[x]', 'zip', 'metadata.']);
    expect(problems).toEqual([
      "unknown column 'Foo'",
      "'name' appears twice (columns 1 and 3)",
      'column 4 has an empty header',
      "unknown column 'metadata[x]' (write metadata columns as metadata.<key>)",
      "unknown column 'zip' (did you mean address.postal_code?)",
      "column 7 'metadata.': the key is empty",
      'the header needs an email column or an id column',
    ]);
  });

  it('rejects metadata keys Stripe rejects', () => {
    const long = 'k'.repeat(41);
    expect(problemsOf(['email', `metadata.${long}`, 'metadata.a[b]', `metadata.${'k'.repeat(40)}`])).toEqual([
      `column 2 'metadata.${long}': the key is 41 characters long, the limit is 40`,
      "column 3 'metadata.a[b]': the key must not contain [ or ]",
    ]);
  });

  it('rejects an empty header and a header without email or id', () => {
    expect(problemsOf([])).toEqual(['the header is empty']);
    expect(problemsOf(['name', 'phone'])).toEqual(['the header needs an email column or an id column']);
  });

  it('names the problems in the error message', () => {
    expect(() => parseImportHeader(['mail'])).toThrow(/unknown column 'mail'/);
  });
});
