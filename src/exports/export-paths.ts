import { join } from 'node:path';

/** Where an export keeps its files: `${dataDir}/exports/<id>/`. */
export function exportDir(dataDir: string, exportId: string): string {
  return join(dataDir, 'exports', exportId);
}

/** The part files of a running export: one per slice, deleted once the final file is written. */
export function partsDir(dataDir: string, exportId: string): string {
  return join(exportDir(dataDir, exportId), 'parts');
}

/**
 * The durable part of a slice: its customers as CSV rows of the final file, no header (the resume point is its
 * checkpointed length).
 */
export function partPath(dataDir: string, exportId: string, sliceId: number): string {
  return join(partsDir(dataDir, exportId), `${String(sliceId).padStart(6, '0')}.csv`);
}

/**
 * The download name: `<object>-<export id>-<YYYY-MM-DD>.csv` (`.csv.gz` when gzipped; object `customers` unless
 * said otherwise), the date being the snapshot's day in UTC (or the export's start for a search export).
 */
export function exportFileName(exportId: string, atMs: number, gzip: boolean, object = 'customers'): string {
  const day = new Date(atMs).toISOString().slice(0, 10);
  return `${object}-${exportId}-${day}.csv${gzip ? '.gz' : ''}`;
}
