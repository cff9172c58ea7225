import type { ImportFile } from './import-runner.ts';

/** What a set of import files needs from Stripe at least, and how fast that can go at a given budget. */
export interface DataCeiling {
  rows: number;
  /** One `?email=` look-up per row, two when the email as written differs from its lower-cased form. */
  reads: number;
  /** One create per email (trimmed, lower-cased) that is neither in Stripe nor created by an earlier row. */
  writes: number;
  /** The shortest time the reads and writes can take at the budget. */
  seconds: number;
  rowsPerS: number;
}

/**
 * The ceiling the data itself sets at `readRps` / `writeRps`: no importer that looks every row up and creates each
 * new email once can be faster. A measured rate divided by `rowsPerS` is the share of it reached.
 */
export function dataCeiling(files: readonly ImportFile[], inStripe: readonly string[], readRps: number, writeRps: number): DataCeiling {
  const known = new Set(inStripe.map((e) => e.trim().toLowerCase()));
  let rows = 0;
  let reads = 0;
  let writes = 0;
  for (const file of files) {
    for (let i = 0; i < file.count; i++) {
      const written = file.rowAt(i).email.trim();
      const lower = written.toLowerCase();
      rows += 1;
      reads += written === lower ? 1 : 2;
      if (!known.has(lower)) {
        known.add(lower);
        writes += 1;
      }
    }
  }
  const seconds = Math.max(reads / readRps, writes / writeRps);
  return { rows, reads, writes, seconds, rowsPerS: rows / seconds };
}
