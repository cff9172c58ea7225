/** Exit codes a script can rely on; `--help` prints the same table. */
export const EXIT_CODES = {
  /** Everything went well (or the job was only queued). */
  ok: 0,
  /** Usage error, unreadable file, unreachable server, or an HTTP error answer. */
  error: 1,
  /** The job finished but some rows failed (see the results file). */
  rowsFailed: 2,
  /** The job failed or was cancelled. */
  jobFailed: 3,
  /** Interrupted with Ctrl-C while waiting; the job goes on on the server. */
  interrupted: 130,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0    all good (or the job was queued with --no-wait)
  1    usage error, unreadable file, unreachable server or an HTTP error (the server's message is printed)
  2    the job finished but some rows failed (details in the results file)
  3    the job failed or was cancelled
  130  interrupted while waiting (the job keeps running on the server)
`;

/** A problem with the command line or a local file: printed as is, exit code 1. */
export class CliUsageError extends Error {
  readonly code = 'stripe-bulk:cli-usage';
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/** Ctrl-C while waiting for a job; the CLI prints how to re-attach (`wait <id>`) with the command the user ran. */
export class InterruptedError extends Error {
  readonly code = 'stripe-bulk:interrupted';
  constructor(readonly jobId: string) {
    super(`Stopped waiting; ${jobId} keeps running on the server.`);
    this.name = 'InterruptedError';
  }
}
