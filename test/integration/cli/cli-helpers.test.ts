import { getEventListeners } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ApiError, filenameFromDisposition } from '../../../src/cli/api-client.ts';
import { nextRunText } from '../../../src/cli/commands/schedule-commands.ts';
import { resultsFileName } from '../../../src/cli/output-files.ts';
import { exportRequestFromOptions } from '../../../src/cli/commands/export-command.ts';
import { EXIT_CODES, InterruptedError } from '../../../src/cli/exit-codes.ts';
import { formatDuration } from '../../../src/cli/format.ts';
import { describeImport, importCountsText, importExitCode } from '../../../src/cli/job-outcome.ts';
import { parseTimeArgument } from '../../../src/cli/parse-time.ts';
import { createProgressReporter, RateMeter } from '../../../src/cli/progress.ts';
import type { ImportRecord } from '../../../src/cli/api-types.ts';
import { waitForJob } from '../../../src/cli/wait-for-job.ts';

// The pure parts of the CLI; the commands themselves are tested end to end in cli.test.ts.

const COUNTS = { total: 3, processed: 3, created: 3, updated: 0, unchanged: 0, skipped: 0, failed: 0 };
const record = (over: Omit<Partial<ImportRecord>, 'counts'> & { counts?: Partial<ImportRecord['counts']> }): ImportRecord => ({
  id: 'imp_1',
  status: 'completed',
  mode: 'create',
  dry_run: false,
  file_name: 'customers.csv',
  size_bytes: 100,
  created_at: '2026-01-01T00:00:00.000Z',
  started_at: null,
  finished_at: null,
  error: null,
  cancel_requested: false,
  ...over,
  counts: { ...COUNTS, ...over.counts },
});

describe('cli helpers', () => {
  it('names the results after the input, the import and whether it was a dry run', () => {
    expect(resultsFileName('customers.csv', 'imp_1', false)).toBe('customers.imp_1.results.csv');
    expect(resultsFileName('EXPORT.CSV', 'imp_2', true)).toBe('EXPORT.imp_2.dry-run.results.csv');
    expect(resultsFileName('list.txt', 'imp_3', false)).toBe('list.txt.imp_3.results.csv');
    expect(resultsFileName('', 'imp_4', false)).toBe('import.imp_4.results.csv');
  });

  it('shows a schedule\'s next run in its own time zone and in UTC', () => {
    expect(nextRunText({ next_run_at: '2026-12-04T02:00:00.000Z', tz: 'Europe/Paris' })).toBe('2026-12-04 03:00 Europe/Paris (02:00Z)');
    expect(nextRunText({ next_run_at: '2026-07-04T23:30:00.000Z', tz: 'Asia/Tokyo' })).toBe('2026-07-05 08:30 Asia/Tokyo (2026-07-04 23:30Z)');
    expect(nextRunText({ next_run_at: '2026-12-04T02:00:00.000Z', tz: null })).toBe('2026-12-04 02:00Z');
    expect(nextRunText({ next_run_at: null, tz: 'Europe/Paris' })).toBe('-');
  });

  it('labels the counts of the progress line as the summary does, unchanged and skipped included', () => {
    const counts = { total: 50, processed: 50, created: 0, updated: 6, unchanged: 41, skipped: 3, failed: 0 };
    expect(importCountsText(record({ counts }))).toBe('created 0, updated 6, unchanged 41, skipped 3, failed 0');
    expect(importCountsText(record({ dry_run: true, counts }))).toBe('would create 0, would update 6, unchanged 41, skipped 3, failed 0');
    const summary = describeImport(record({ dry_run: true, counts }));
    expect(summary).toMatch(/would update\s+6/);
    expect(summary).toMatch(/unchanged\s+41/);
    expect(summary).toMatch(/skipped\s+3/);
  });

  it('shows the rate and what is left of a running import', () => {
    const running = record({
      status: 'running',
      started_at: '2026-01-01T00:00:00.000Z',
      counts: { total: 400, processed: 100 },
    });
    const text = describeImport(running, Date.parse('2026-01-01T00:00:10.000Z'));
    expect(text).toMatch(/rate\s+10 rows\/s/);
    expect(text).toMatch(/left\s+300 rows, ~30s/);
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
      fetch: () => {
        const next = answers.shift();
        return next instanceof Error ? Promise.reject(next) : Promise.resolve(next ?? record({}));
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
      fetch: () => {
        calls += 1;
        if (calls === 3) controller.abort();
        return Promise.resolve(record({ status: 'running' }));
      },
      onUpdate: () => undefined,
    });
    await expect(waiting).rejects.toThrow(InterruptedError);
    await expect(waiting).rejects.toMatchObject({ jobId: 'exp_9' });

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
    progress.update({ value: 100, total: 200, detail: 'created 100, updated 0, failed 0' });
    progress.stop();
    const output = String(stream.read());
    expect(output).toContain('import imp_1 [');
    expect(output).toContain('50% | 100/200 rows | 50 rows/s | ETA 2s | created 100, updated 0, failed 0');
  });

  it('keeps one bar, redrawn in place, when the total appears after a queued start (no stale line above it)', () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 160 });
    let now = 0;
    const progress = createProgressReporter({ stream, interactive: true, label: 'import imp_1', unit: 'rows', now: () => now });
    progress.update({ value: 0, detail: 'queued' });
    now = 1_000;
    progress.update({ value: 10, total: 200, detail: 'created 10' });
    progress.stop();
    const output = String(stream.read());
    expect(output).toContain('| queued');
    expect(output).toContain('10/200 rows');
    // The only line end is the one stop() writes: the queued text was overwritten, not pushed up.
    expect(output.split('\n')).toHaveLength(2);
  });
});
