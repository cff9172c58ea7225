import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { CsvHeaderError, parseImportHeader, type ImportHeader } from '../../csv/index.ts';
import { AppError } from '../../errors.ts';

/** Reads the first record of a CSV file only. */
async function readHeaderCells(path: string): Promise<string[] | null> {
  const parser = createReadStream(path).pipe(parse({ bom: true, to_line: 1, relax_column_count: true }));
  try {
    for await (const record of parser as AsyncIterable<string[]>) return record;
    return null;
  } finally {
    parser.destroy();
  }
}

/**
 * Checks the header of an uploaded file before anything is queued; throws a 400 AppError whose message names
 * every problem (and `details.problems` lists them).
 */
export async function checkUploadedHeader(path: string): Promise<ImportHeader> {
  let cells: string[] | null;
  try {
    cells = await readHeaderCells(path);
  } catch (err) {
    throw new AppError('not_csv', `The file is not valid CSV: ${(err as Error).message}`, 400);
  }
  if (cells === null || cells.every((c) => c.trim() === '')) {
    throw new AppError('empty_header', 'The file is empty or its first line is blank: it needs a header line such as "email,name".', 400);
  }
  try {
    return parseImportHeader(cells);
  } catch (err) {
    if (err instanceof CsvHeaderError) {
      throw new AppError('invalid_header', `The CSV header is not valid: ${err.problems.join('; ')}.`, 400, {
        problems: err.problems,
      });
    }
    throw err;
  }
}
