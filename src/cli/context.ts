import type { Writable } from 'node:stream';
import type { ApiClient } from './api-client.ts';

/** What every command gets: the API, where to write, and how to wait. */
export interface CliContext {
  client: ApiClient;
  /** Results and summaries (what a script reads). */
  stdout: Writable;
  /** Progress and notes (what a person watches). */
  stderr: Writable;
  /** Draw live progress bars on stderr (it is a TTY). */
  interactive: boolean;
  pollIntervalMs: number;
  /** Interval of the plain progress lines when stderr is not a TTY. */
  progressLineIntervalMs: number;
  /** Aborted on Ctrl-C. */
  signal?: AbortSignal | undefined;
  /** Relative paths are resolved against this directory (the user's, not the checkout's). */
  cwd: string;
  /** How the user ran the CLI (`stripe-bulk`, `npm run cli --`, `node dist/bin/stripe-bulk.js`): hints repeat it. */
  commandName: string;
}

/** Writes one line. */
export function println(stream: Writable, text = ''): void {
  stream.write(`${text}\n`);
}
