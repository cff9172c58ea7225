import type { JobStatus } from './api-types.ts';
import { println, type CliContext } from './context.ts';
import { EXIT_CODES } from './exit-codes.ts';
import { createProgressReporter, type ProgressState } from './progress.ts';
import { waitForJob } from './wait-for-job.ts';

/** What to poll and how to show it. */
export interface FollowedJob<T> {
  id: string;
  /** e.g. `import imp_…`. */
  label: string;
  /** e.g. `rows` or `customers`. */
  unit: string;
  fetch: () => Promise<T>;
  progressOf: (record: T) => ProgressState;
}

/** Polls a job until it ends, drawing its progress on stderr; the bar is ended however the wait ends (Ctrl-C too). */
export async function followWithProgress<T extends { status: JobStatus }>(ctx: CliContext, job: FollowedJob<T>): Promise<T> {
  const progress = createProgressReporter({
    stream: ctx.stderr,
    interactive: ctx.interactive,
    label: job.label,
    unit: job.unit,
    lineIntervalMs: ctx.progressLineIntervalMs,
  });
  try {
    return await waitForJob({
      id: job.id,
      fetch: job.fetch,
      intervalMs: ctx.pollIntervalMs,
      signal: ctx.signal,
      onUpdate: (record) => {
        progress.update(job.progressOf(record));
      },
    });
  } finally {
    progress.stop();
  }
}

/** `--no-wait`: the id alone on stdout (what a script reads), how to follow the job on stderr; exit 0. */
export function printQueued(ctx: CliContext, kind: 'Import' | 'Export' | 'Audit', job: { id: string; status: JobStatus }): number {
  println(ctx.stdout, job.id);
  println(ctx.stderr, `${kind} ${job.id} ${job.status}. Follow it with: ${ctx.commandName} wait ${job.id}`);
  return EXIT_CODES.ok;
}
