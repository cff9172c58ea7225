import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { encodeCsvLine } from '../../../../jobs/export/csv-line.ts';

describe('encodeCsvLine', () => {
  it('quotes only cells that need it and doubles inner quotes', () => {
    expect(encodeCsvLine(['a', 'b c', ''])).toBe('a,b c,\n');
    expect(encodeCsvLine(['x,y', 'say "hi"', 'l1\nl2', 'cr\r'])).toBe('"x,y","say ""hi""","l1\nl2","cr\r"\n');
  });

  it('reads back identically with csv-parse (the importer) on awkward cells', () => {
    const rows = [
      ['id', 'name', 'description'],
      ['cus_1', 'Zoë, "Jr."', 'first\nsecond\r\nthird'],
      ["'=SUM(A1)", '"', ''],
      ['\ttab', ' lead and trail ', '""'],
      ['ünïcödé 🚀', ',', '\r'],
    ];
    const text = rows.map(encodeCsvLine).join('');
    expect(parse(text, { bom: true })).toEqual(rows);
  });
});
