import { getEventListeners } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ApiError, filenameFromDisposition } from '../../../src/cli/api-client.ts';
import { resultsPathFor } from '../../../src/cli/commands/import-command.ts';
import { exportRequestFromOptions } from '../../../src/cli/commands/export-command.ts';
import { EXIT_CODES, InterruptedError } from '../../../src/cli/exit-codes.ts';
import { formatDuration } from '../../../src/cli/format.ts';
import { describeImport, importExitCode } from '../../../src/cli/job-outcome.ts';
import { parseTimeArgument } from '../../../src/cli/parse-time.ts';
import { createProgressReporter, RateMeter } from '../../../src/cli/progress.ts';
import type { ImportRecord } from '../../../src/cli/api-types.ts';
import { waitForJob } from '../../../src/cli/wait-for-job.ts';

// The pure parts of the CLI; the commands themselves are tested end to end in cli.test.ts.

const record = (over: Partial<ImportRecord>): ImportRecord => ({
  id: 'imp_1',
  status: 'completed',
  mode: 'create',
  dry_run: false,
  counts: { total: 3, processed: 3, created: 3, updated: 0, unchanged: 0, skipped: 0, failed: 0 },
  ...over,
});

describe('cli helpers', () => {
  it('puts the results next to the input', () => {
    expect(resultsPathFor('/data/in/customers.csv')).toBe('/data/in/customers.results.csv');
    expect(resultsPathFor('/data/in/EXPORT.CSV')).toBe('/data/in/EXPORT.results.csv');
    expect(resultsPathFor('/data/list.txt')).toBe('/data/list.txt.results.csv');
  });

  it('reads unix seconds and ISO dates (UTC when no zone)', () => {
    expect(parseTimeArgument('--x', '1735689600')).toBe(1735689600);
    expect(parseTimeArgument('--x', '2025-01-01')).toBe(1735689600);
    expect(parseTimeArgument('--x', '2025-01-01T01:00:00')).toBe(1735693200);
    expect(parseTimeArgument('--x', '2025-01-01T01:00:00+01:00')).toBe(1735689600);
    expect(() => parseTimeArgument('--created-gte', 'soon')).toThrow(/--created-gte: 'soon'/);
  });

  it('builds the export body from flags', () => {
    expect(exportRequestFromOptions({})).toEqual({});
    expect(
      exportRequestFromOptions({ createdGte: '2025-01-01', createdLt: '1735776000', columns: 'id, email,', metadataColumns: 'plan', gzip: true }),
    ).toEqual({ created: { gte: 1735689600, lt: 1735776000 }, columns: ['id', 'email'], metadata_columns: ['plan'], gzip: true });
  });

  it('maps outcomes to exit codes', () => {
    expect(importExitCode(record({}))).toBe(EXIT_CODES.ok);
    expect(importExitCode(record({ status: 'running', counts: { failed: 4 } }))).toBe(EXIT_CODES.ok);
    expect(importExitCode(record({ counts: { failed: 1 } }))).toBe(EXIT_CODES.rowsFailed);
    expect(importExitCode(record({ status: 'cancelled' }))).toBe(EXIT_CODES.jobFailed);
    expect(importExitCode(record({ status: 'failed' }))).toBe(EXIT_CODES.jobFailed);
  });

  it('labels dry-run counts as would-be actions', () => {
    const text = describeImport(record({ dry_run: true, counts: { total: 2, processed: 2, created: 1, updated: 1, failed: 0 } }));
    expect(text).toContain('dry run');
    expect(text).toMatch(/would create\s+1/);
    expect(text).toMatch(/would update\s+1/);
  });

  it("keeps only the base name of a server's file name", () => {
    expect(filenameFromDisposition('attachment; filename="exp_1-2026-01-01.csv"')).toBe('exp_1-2026-01-01.csv');
    expect(filenameFromDisposition('attachment; filename="../../etc/passwd"')).toBe('passwd');
    expect(filenameFromDisposition("attachment; filename*=UTF-8''r%C3%A9sultats.csv")).toBe('résultats.csv');
    expect(filenameFromDisposition(null)).toBeUndefined();
  });

  it('measures the rate over recent samples and derives the ETA', () => {
    const meter = new RateMeter();
    meter.add(0, 0);
    meter.add(1_000, 100);
    meter.add(2_000, 200);
    expect(meter.rate()).toBe(100);
    expect(meter.etaSeconds(200, 1_200)).toBe(10);
    expect(formatDuration(75)).toBe('1m15s');
    expect(formatDuration(3725)).toBe('1h02m');
  });

  it('prints a plain line at most every interval when not on a terminal', () => {
    const stream = new PassThrough();
    let now = 0;
    const progress = createProgressReporter({ stream, interactive: false, label: 'import imp_1', unit: 'rows', lineIntervalMs: 5_000, now: () => now });
    progress.update({ value: 0, total: 1000 });
    now = 1_000;
    progress.update({ value: 100, total: 1000 });
    now = 6_000;
    progress.update({ value: 600, total: 1000, detail: '2 failed' });
    progress.stop();
    const lines = String(stream.read()).trim().split('\n');
    expect(lines).toEqual([
      'import imp_1: 0/1000 rows (0%), ? rows/s | ETA ?',
      'import imp_1: 600/1000 rows (60%), 100 rows/s | ETA 4s | 2 failed',
    ]);
  });
});

describe('waitForJob', () => {
  it('polls until a terminal status, tolerates a transient error, and leaves no abort listeners behind', async () => {
    const controller = new AbortController();
    const answers: Array<ImportRecord | Error> = [
      record({ status: 'queued' }),
      new ApiError(503, undefined, 'restarting', 'HTTP 503'),
      ...Array.from({ length: 20 }, () => record({ status: 'running' })),
      record({ status: 'completed' }),
    ];
    const seen: string[] = [];
    const final = await waitForJob({
      id: 'imp_1',
      intervalMs: 1,
      signal: controller.signal,
      fetch: async () => {
        const next = answers.shift();
        if (next instanceof Error) throw next;
        return next ?? record({});
      },
      onUpdate: (r) => seen.push(r.status),
    });
    expect(final.status).toBe('completed');
    expect(seen.length).toBe(22);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('ends with an InterruptedError naming the job when aborted, and rethrows a 4xx at once', async () => {
    const controller = new AbortController();
    let calls = 0;
    const waiting = waitForJob({
      id: 'exp_9',
      intervalMs: 5,
      signal: controller.signal,
      fetch: async () => {
        calls += 1;
        if (calls === 3) controller.abort();
        return record({ status: 'running' });
      },
      onUpdate: () => undefined,
    });
    await expect(waiting).rejects.toThrow(InterruptedError);
    await expect(waiting).rejects.toThrow(/stripe-bulk status exp_9/);

    const notFound = new ApiError(404, 'not_found', 'Import imp_x does not exist', 'HTTP 404');
    await expect(
      waitForJob({ id: 'imp_x', intervalMs: 1, fetch: () => Promise.reject(notFound), onUpdate: () => undefined }),
    ).rejects.toBe(notFound);
  });
});

describe('interactive progress', () => {
  it('draws a bar with the count, rate and ETA on a terminal', () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 160 });
    let now = 0;
    const progress = createProgressReporter({ stream, interactive: true, label: 'import imp_1', unit: 'rows', now: () => now });
    progress.update({ value: 0, total: 200 });
    now = 2_000;
    progress.update({ value: 100, total: 200, detail: '100 created, 0 updated, 0 failed' });
    progress.stop();
    const output = String(stream.read());
    expect(output).toContain('import imp_1 [');
    expect(output).toContain('50% | 100/200 rows | 50 rows/s | ETA 2s | 100 created, 0 updated, 0 failed');
  });
});
