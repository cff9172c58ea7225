import { createReadStream } from 'node:fs';
import { parse, type Parser } from 'csv-parse';

/**
 * The records of an import file. Wrong column counts are let through (parseCustomerRow reports them as a failed
 * row, the other rows go on); blank lines are not rows. Counting and processing use these same options, so
 * `total` and the row numbers agree.
 */
export function openCsvRecords(path: string): Parser {
  return createReadStream(path).pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true }));
}

/** Data rows in the file (records after the header). Throws csv-parse's error for text that is not CSV. */
export async function countRows(path: string): Promise<number> {
  let records = 0;
  for await (const _record of openCsvRecords(path)) records += 1;
  return Math.max(0, records - 1);
}
