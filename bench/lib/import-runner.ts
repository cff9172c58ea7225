import type { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { enqueueImport } from '../../src/imports/enqueue-import.ts';
import { inputPath, newImportId } from '../../src/imports/import-paths.ts';
import { ImportStore } from '../../src/imports/import-store.ts';
import { COUNT_FIELDS, emptyCounts, type ImportCounts, type ImportRecord } from '../../src/imports/import-types.ts';
import { QUEUE_NAMES } from '../../src/queues/names.ts';
import { emailKeys } from '../../src/redis-keys.ts';
import { writeImportCsv, type BenchRow } from './import-rows.ts';
import { itemAt, sleep } from './numbers.ts';

/** One import file to run: its rows, written as `email,name`. */
export interface ImportFile {
  count: number;
  rowAt: (i: number) => BenchRow;
}

/** The import file of rows already in memory. */
export function importFileOf(rows: readonly BenchRow[]): ImportFile {
  return { count: rows.length, rowAt: (i) => itemAt(rows, i) };
}

/** The outcome of running several imports at once on running worker processes. */
export interface ImportRun {
  rows: number;
  /** From the enqueue of the first import to the end of the last one. */
  seconds: number;
  counts: ImportCounts;
  statuses: string[];
  /** True when stopAfterMs cancelled the imports before they ended. */
  stopped: boolean;
}

const DONE = new Set(['completed', 'failed', 'cancelled']);

/**
 * Writes the files under DATA_DIR, creates their records, enqueues them all at once (one job per worker
 * process) and polls their records until every one has ended. `onPoll` runs at every poll (RSS sampling).
 */
export async function runImports(
  redis: Redis,
  o: {
    prefix: string;
    dataDir: string;
    files: ImportFile[];
    dryRun: boolean;
    /** `scan`: dedupe=scan imports (default: the per-row look-ups). */
    dedupe?: 'scan';
    timeoutMs: number;
    /** Cancel the imports (DELETE /v1/imports/:id's flag) after this long; counts.processed says how far they got. */
    stopAfterMs?: number;
    onPoll?: () => void;
  },
): Promise<ImportRun> {
  const store = new ImportStore(redis, o.prefix);
  const queue = new Queue(QUEUE_NAMES.import, { connection: redis, prefix: o.prefix });
  try {
    const ids: string[] = [];
    for (const [p, file] of o.files.entries()) {
      const id = newImportId();
      await writeImportCsv(inputPath(o.dataDir, id), file.count, file.rowAt);
      await store.create({ id, mode: 'create', dryRun: o.dryRun, fileName: `bench-${p}.csv`, sizeBytes: 0, ...(o.dedupe ? { dedupe: o.dedupe } : {}) });
      ids.push(id);
    }
    const started = performance.now();
    const enqueuedAt = Date.now();
    await Promise.all(
      ids.map((id, p) => enqueueImport(queue, { importId: id, mode: 'create', dryRun: o.dryRun, fileName: `bench-${p}.csv`, ...(o.dedupe ? { dedupe: o.dedupe } : {}) })),
    );
    let records: (ImportRecord | null)[] = [];
    let stopped = false;
    for (;;) {
      o.onPoll?.();
      if (!stopped && o.stopAfterMs !== undefined && performance.now() - started > o.stopAfterMs) {
        stopped = true;
        await Promise.all(ids.map((id) => store.requestCancel(id)));
      }
      records = await Promise.all(ids.map((id) => store.get(id)));
      if (records.every((r) => r !== null && DONE.has(r.status))) break;
      if (performance.now() - started > o.timeoutMs) {
        throw new Error(`imports not finished after ${o.timeoutMs / 1000} s: ${JSON.stringify(records.map((r) => r?.counts))}`);
      }
      await sleep(100);
    }
    // The records' finish times are exact to the ms, where the poll adds up to 100 ms.
    const lastFinish = Math.max(...records.map((r) => Date.parse(r?.finished_at ?? '')));
    const seconds = Number.isFinite(lastFinish) ? (lastFinish - enqueuedAt) / 1000 : (performance.now() - started) / 1000;
    const counts = emptyCounts();
    for (const r of records) for (const f of COUNT_FIELDS) counts[f] += r?.counts[f] ?? 0;
    return {
      rows: o.files.reduce((n, f) => n + f.count, 0),
      seconds,
      counts,
      statuses: records.map((r) => r?.status ?? 'missing'),
      stopped,
    };
  } finally {
    await queue.close();
  }
}

/**
 * Forgets what earlier runs created (the importer's registry of created emails) so every run starts from the
 * same state as a fresh emulator; limiter state is kept, as in production.
 */
export async function forgetCreatedEmails(redis: Redis, prefix: string): Promise<void> {
  for (const pattern of emailKeys.registryPatterns(prefix)) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  }
}
