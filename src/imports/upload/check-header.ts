import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { CsvHeaderError, parseImportHeader, type ImportHeader } from '../../csv/index.ts';
import { AppError } from '../../errors.ts';
import { storageError } from './storage-error.ts';

/**
 * Reads the first record of a CSV file only. pipeline, not pipe: the parser stops after one line, and a piped file
 * stream would stay open (its descriptor, and the disk space of a deleted upload, held until a restart).
 */
export async function readHeaderCells(path: string): Promise<string[] | null> {
  const parser = parse({ bom: true, to_line: 1, relax_column_count: true });
  // A read error destroys the parser with it, so the loop below throws it; the pipeline's own verdict (a premature
  // close once the loop leaves after the first record) is only awaited, so the descriptor is closed on return.
  const closed = pipeline(createReadStream(path), parser).catch(() => undefined);
  try {
    for await (const record of parser as AsyncIterable<string[]>) return record;
    return null;
  } finally {
    parser.destroy();
    await closed;
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
    throw storageError(err) ?? new AppError('not_csv', `The file is not valid CSV: ${(err as Error).message}`, 400);
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
