import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { CsvError, Parser } from 'csv-parse';

/** Where and why an import file stops being CSV. */
export interface MalformedCsv {
  /** The data row (records after the header, as in results.csv) that cannot be read. */
  record: number;
  /** The last line of the file read well: the broken record starts after it. */
  afterLine: number;
  /** What to tell the user: "the CSV is malformed at record 1234 (after line 1240): unterminated quote". */
  message: string;
}

const REASONS: Partial<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'unterminated quote (a quoted field is never closed)',
  CSV_INVALID_CLOSING_QUOTE: 'a closing quote is followed by other characters',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'a closing quote is followed by other characters',
  INVALID_OPENING_QUOTE: 'a quote opens in the middle of a field',
  CSV_MAX_RECORD_SIZE: 'a record is too large',
};

/**
 * A csv-parse stream that ends cleanly at the first malformed record instead of erroring: every record before it
 * is still read (an error would destroy the stream and drop the records buffered behind it), and `malformed` says
 * where the file broke. A job can then report the rows it could read and fail naming the record.
 */
export class CsvRecords extends Parser {
  malformed: MalformedCsv | undefined;
  private lastRecordLine = 0;

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    // csv-parse counts lines up to the end of the record it pushes: where the next record starts.
    if (chunk !== null) this.lastRecordLine = this.info.lines;
    return super.push(chunk, encoding);
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, done: TransformCallback): void {
    if (this.malformed) {
      done();
      return;
    }
    super._transform(chunk, encoding, (err?: Error | null) => this.stopAt(err, done));
  }

  override _flush(done: TransformCallback): void {
    if (this.malformed) {
      done();
      return;
    }
    super._flush((err?: Error | null) => this.stopAt(err, done));
  }

  private stopAt(err: Error | null | undefined, done: TransformCallback): void {
    if (!(err instanceof CsvError)) {
      done(err);
      return;
    }
    // info.records counts the header too, so it is also the data-row number of the record that failed.
    const record = Number(err.records ?? this.info.records);
    const afterLine = this.lastRecordLine;
    const reason = REASONS[err.code] ?? err.message;
    const where = record === 0 ? 'in its header' : `at record ${record} (after line ${afterLine})`;
    this.malformed = { record, afterLine, message: `the CSV is malformed ${where}: ${reason}` };
    this.push(null);
    done();
  }
}

/**
 * The records of an import file. Wrong column counts are let through (parseCustomerRow reports them as a failed
 * row, the other rows go on); blank lines are not rows. Counting and processing use these same options, so
 * `total` and the row numbers agree. Destroying the returned stream closes the file too.
 */
export function openCsvRecords(path: string): CsvRecords {
  const records = new CsvRecords({ bom: true, relax_column_count: true, skip_empty_lines: true });
  // pipeline, not pipe: a read error reaches the parser, and a parser destroyed early closes the file descriptor.
  pipeline(createReadStream(path), records, () => undefined);
  return records;
}

/** What a first pass over an import file found. */
export interface RowScan {
  /** Data rows that can be read (records after the header, up to a malformed record). */
  rows: number;
  malformed: MalformedCsv | undefined;
}

/** Counts the data rows of a file, stopping at the first malformed record. */
export async function countRows(path: string): Promise<RowScan> {
  const records = openCsvRecords(path);
  let count = 0;
  for await (const _record of records) count += 1;
  return { rows: Math.max(0, count - 1), malformed: records.malformed };
}
