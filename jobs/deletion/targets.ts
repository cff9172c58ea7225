import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { parseCustomerRow, parseImportHeader, type CustomerInput } from '../../src/csv/index.ts';
import { openCsvRecords } from '../import/csv-records.ts';

/** One row of a deletion: a customer id, or an email matched as imports match. */
export interface Target {
  /** The row number reported in results.csv (for an undo: the import's row). */
  row: number;
  id: string;
  email: string;
}

/**
 * The rows of the targets file (`id` and/or `email` columns, already checked by the API). Read whole: a target is a
 * few dozen bytes, and the job needs the count before it starts.
 */
export async function readTargets(path: string): Promise<Target[]> {
  const targets: Target[] = [];
  let columns: { id: number; email: number; row: number } | undefined;
  for await (const record of openCsvRecords(path) as AsyncIterable<string[]>) {
    if (columns === undefined) {
      const names = record.map((c) => c.trim().toLowerCase());
      columns = { id: names.indexOf('id'), email: names.indexOf('email'), row: names.indexOf('row') };
      continue;
    }
    const cell = (at: number): string => (at === -1 ? '' : (record[at] ?? '').trim());
    const row = columns.row === -1 ? targets.length + 1 : Number(cell(columns.row));
    targets.push({ row, id: cell(columns.id), email: cell(columns.email) });
  }
  return targets;
}

/**
 * What an import wrote for each of `rows` (its data rows, numbered as in its results): the row as parsed for the
 * create. An undo compares a customer with it to tell a customer someone changed since.
 */
export async function readImportInputs(path: string, rows: ReadonlySet<number>): Promise<Map<number, CustomerInput>> {
  const inputs = new Map<number, CustomerInput>();
  let header: ReturnType<typeof parseImportHeader> | undefined;
  let row = 0;
  for await (const record of openCsvRecords(path) as AsyncIterable<string[]>) {
    if (header === undefined) {
      header = parseImportHeader(record);
      continue;
    }
    row += 1;
    if (!rows.has(row)) continue;
    const parsed = parseCustomerRow(header, record);
    if (parsed.ok) inputs.set(row, parsed.input);
  }
  return inputs;
}

/** Rows of a results.csv (`row,email,action,customer_id,message`) as objects. */
export async function* readResultLines(path: string): AsyncGenerator<Record<string, string>> {
  const parser = createReadStream(path).pipe(parse({ columns: true, relax_column_count: true, skip_empty_lines: true }));
  for await (const line of parser as AsyncIterable<Record<string, string>>) yield line;
}

/** The customers a finished dry run said it would delete: all a confirmed run may delete. */
export async function readApproved(dryRunResults: string): Promise<Set<string>> {
  const approved = new Set<string>();
  for await (const line of readResultLines(dryRunResults)) {
    if (line.action === 'would_delete' && line.customer_id) approved.add(line.customer_id);
  }
  return approved;
}
