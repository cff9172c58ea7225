/**
 * The import's names for the one abort helper (src/rate-limit/abortable.ts), so jobs/ and the limiter share one
 * implementation: the reason is never undefined, and a promise raced against an aborted signal cannot become an
 * unhandled rejection.
 */
export { untilAborted as abortable, sleep as abortableSleep } from '../../src/rate-limit/abortable.ts';
