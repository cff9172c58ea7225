import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { finished } from 'node:stream/promises';
import { itemAt } from './numbers.ts';

/** One row of a benchmark import file. */
export interface BenchRow {
  email: string;
  name: string;
}

/**
 * The benchmark's rows: every 10th row repeats the email of the row 5 before it (10% repeated emails in the
 * file), and rows 3, 13, 23, … carry emails that are seeded as already in Stripe (10% of rows).
 * Emails are lower case, so each row costs one look-up: one read and, for a new customer, one write.
 */
export function buildRows(count: number, tag: string): { rows: BenchRow[]; inStripe: string[] } {
  const rows: BenchRow[] = [];
  const inStripe: string[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 10 === 9) {
      rows.push({ email: itemAt(rows, i - 5).email, name: `Bench ${i + 1}` });
      continue;
    }
    const email = `${tag}.user${i}@example.com`;
    if (i % 10 === 3) inStripe.push(email);
    rows.push({ email, name: `Bench ${i + 1}` });
  }
  return { rows, inStripe };
}

/** Splits rows into `parts` contiguous slices of (nearly) equal size. */
export function splitRows<T>(rows: readonly T[], parts: number): T[][] {
  const size = Math.ceil(rows.length / parts);
  return Array.from({ length: parts }, (_, p) => rows.slice(p * size, (p + 1) * size));
}

/** Writes `email,name` CSV, streamed so a million rows never sit in one string. */
export async function writeImportCsv(path: string, count: number, rowAt: (i: number) => BenchRow): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  out.write('email,name\n');
  let chunk = '';
  for (let i = 0; i < count; i++) {
    const row = rowAt(i);
    chunk += `${row.email},${row.name}\n`;
    if (chunk.length > 64 * 1024) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = '';
    }
  }
  out.end(chunk);
  await finished(out);
}
