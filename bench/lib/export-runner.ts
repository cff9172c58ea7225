import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { Queue } from 'bullmq';
import { stringify } from 'csv-stringify';
import type { Redis } from 'ioredis';
import type Stripe from 'stripe';
import { customerToRow, EXPORT_COLUMNS } from '../../src/csv/index.ts';
import { EXPORT_JOB_OPTIONS } from '../../src/exports/export-job-data.ts';
import { newExportId } from '../../src/exports/export-ids.ts';
import { ExportStore } from '../../src/exports/export-store.ts';
import { QUEUE_NAMES } from '../../src/queues/names.ts';
import { sleep } from './numbers.ts';

/** One export job, run on a worker process. */
export interface ExportRun {
  customers: number;
  pages: number;
  /** From the enqueue to the record's finish time. */
  seconds: number;
  fileBytes: number;
}

/** Enqueues an export of every customer (the API's defaults) and waits for its record to end. */
export async function runExport(
  redis: Redis,
  o: { prefix: string; timeoutMs: number; onPoll?: () => void },
): Promise<ExportRun> {
  const store = new ExportStore(redis, o.prefix);
  const queue = new Queue(QUEUE_NAMES.export, { connection: redis, prefix: o.prefix });
  try {
    const id = newExportId();
    await store.create({ id, options: {} });
    const enqueuedAt = Date.now();
    await queue.add(QUEUE_NAMES.export, { exportId: id }, { ...EXPORT_JOB_OPTIONS, jobId: id });
    for (;;) {
      o.onPoll?.();
      const record = await store.get(id);
      if (record?.status === 'completed') {
        return {
          customers: record.counts.customers,
          pages: record.counts.pages,
          seconds: ((record.finishedAt ?? Date.now()) - enqueuedAt) / 1000,
          fileBytes: record.fileBytes ?? 0,
        };
      }
      if (record === null || record.status === 'failed' || record.status === 'cancelled') {
        throw new Error(`export ${id} ended ${record?.status ?? 'missing'}: ${record?.error ?? ''}`);
      }
      if (Date.now() - enqueuedAt > o.timeoutMs) throw new Error(`export not finished after ${o.timeoutMs / 1000} s`);
      await sleep(100);
    }
  } finally {
    await queue.close();
  }
}

/**
 * What a user writes instead: stripe-node auto-pagination into csv-stringify, one page after the other.
 * Sequential, so it is measured for a bounded time and its rate projected.
 */
export async function autoPaginationExport(
  stripe: Stripe,
  o: { path: string; seconds: number },
): Promise<{ customers: number; seconds: number }> {
  const out = createWriteStream(o.path);
  const csv = stringify();
  csv.pipe(out);
  csv.write([...EXPORT_COLUMNS]);
  const started = performance.now();
  let customers = 0;
  for await (const customer of stripe.customers.list({ limit: 100 })) {
    if (!csv.write(customerToRow(customer, EXPORT_COLUMNS))) await new Promise((resolve) => csv.once('drain', resolve));
    customers += 1;
    if (customers % 100 === 0 && performance.now() - started > o.seconds * 1000) break;
  }
  const seconds = (performance.now() - started) / 1000;
  csv.end();
  await finished(out);
  return { customers, seconds };
}
