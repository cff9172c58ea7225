import { describe, expect, it } from 'vitest';
import { abortable, abortableSleep } from '../../../../jobs/import/abortable-sleep.ts';
import { sleep, untilAborted } from '../../../../src/rate-limit/abortable.ts';

describe('the import lock waits use the one abort helper', () => {
  it('is the same implementation as the limiter’s', () => {
    expect(abortableSleep).toBe(sleep);
    expect(abortable).toBe(untilAborted);
  });

  it('a promise raced against an already aborted signal does not become an unhandled rejection', async () => {
    const c = new AbortController();
    c.abort(new Error('stop'));
    const inner = Promise.reject(new Error('late failure'));
    await expect(abortable(inner, c.signal)).rejects.toThrow('stop');
    // Let the inner rejection's handlers run: an unhandled one fails the vitest run.
    await new Promise((resolve) => setTimeout(resolve, 10));
  });

  it('rejects with an AbortError, never undefined, when the signal has no reason of its own', async () => {
    const c = new AbortController();
    const waiting = abortableSleep(60_000, c.signal);
    c.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });
});
