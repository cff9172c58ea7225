import type { Redis } from 'ioredis';
import { loadLuaScript, runLuaScript } from '../redis-scripts.ts';
import { API_COMMAND_TIMEOUT_MS } from './connection.ts';

export { submissionKey } from '../redis-keys.ts';

/**
 * Acceptance of a submitted job (an import or an export made through the API). The API opens a submission before
 * it records and queues the job, and accepts it as its last write before answering 202; a worker runs only an
 * accepted job. The acceptance must reach Redis before a deadline on Redis's clock that falls before the API gives up
 * on the command, so a Redis that freezes and wakes later never runs a job whose client was answered 503.
 */

const OPEN = loadLuaScript(new URL('./open-submission-1.lua', import.meta.url));
const ACCEPT = loadLuaScript(new URL('./accept-submission-1.lua', import.meta.url));
const SETTLE = loadLuaScript(new URL('./settle-submission-1.lua', import.meta.url));

// Under the API's command timeout: by the time the API gives up on the acceptance, its deadline has passed.
export const SUBMISSION_WINDOW_MS = API_COMMAND_TIMEOUT_MS - 100;
// Far longer than a job waits in the queue; a job older than this runs as one from before submissions existed.
const SUBMISSION_TTL_MS = 7 * 24 * 3600 * 1000;
const POLL_MS = 50;

/** Opens the window; call before recording and queueing the job. */
export async function openSubmission(redis: Redis, key: string): Promise<void> {
  await runLuaScript(redis, OPEN, [key], [SUBMISSION_WINDOW_MS, SUBMISSION_TTL_MS]);
}

/** True when the job may run; false when the window closed first (answer 503: the job will never run). */
export async function acceptSubmission(redis: Redis, key: string): Promise<boolean> {
  return (await runLuaScript(redis, ACCEPT, [key], [])) === 1;
}

/** What a worker may do with a job it took. */
export type SubmissionVerdict = 'accepted' | 'refused' | 'none';

/**
 * Waits (at most the window) for the API's acceptance of a job a worker took before the API's last write landed.
 * 'none': the job has no submission (a scheduled run, or one queued before submissions existed): it runs.
 */
export async function settleSubmission(redis: Redis, key: string, signal?: AbortSignal): Promise<SubmissionVerdict> {
  for (;;) {
    const answer = String(await runLuaScript(redis, SETTLE, [key], []));
    if (answer === 'accepted' || answer === 'refused' || answer === 'none') return answer;
    signal?.throwIfAborted();
    await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Number(answer) + 5)));
  }
}

/** The message a refused job's record gets. */
export const REFUSED_SUBMISSION =
  'not run: Redis stopped answering while this job was submitted, and its client was answered 503 redis_unavailable';
