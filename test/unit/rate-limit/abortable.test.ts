import { describe, expect, it } from 'vitest';
import { sleep, throwIfAborted, untilAborted } from '../../../src/rate-limit/abortable.ts';

describe('sleep', () => {
  it('resolves after the delay, and at once for 0', async () => {
    await expect(sleep(5)).resolves.toBeUndefined();
    await expect(sleep(0)).resolves.toBeUndefined();
  });

  it('rejects with the signal reason, before or during the wait', async () => {
    const before = new AbortController();
    before.abort(new Error('before'));
    await expect(sleep(10, before.signal)).rejects.toThrow('before');
    const during = new AbortController();
    const waiting = sleep(60_000, during.signal);
    during.abort(new Error('during'));
    await expect(waiting).rejects.toThrow('during');
  });

  it('uses an AbortError when the signal has no reason of its own', async () => {
    const c = new AbortController();
    c.abort();
    await expect(sleep(10, c.signal)).rejects.toMatchObject({ name: 'AbortError' });
    const during = new AbortController();
    const waiting = sleep(60_000, during.signal);
    during.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('untilAborted / throwIfAborted', () => {
  it('passes the result through, or rejects as soon as the signal aborts', async () => {
    await expect(untilAborted(Promise.resolve(7))).resolves.toBe(7);
    await expect(untilAborted(Promise.reject(new Error('inner')), new AbortController().signal)).rejects.toThrow('inner');
    const c = new AbortController();
    const never = new Promise<number>(() => {});
    const raced = untilAborted(never, c.signal);
    c.abort(new Error('stop'));
    await expect(raced).rejects.toThrow('stop');
    expect(() => throwIfAborted(c.signal)).toThrow('stop');
    expect(() => throwIfAborted(undefined)).not.toThrow();
  });

  it('a promise raced against an already aborted signal does not become an unhandled rejection', async () => {
    const c = new AbortController();
    c.abort(new Error('stop'));
    const inner = Promise.reject(new Error('late failure'));
    await expect(untilAborted(inner, c.signal)).rejects.toThrow('stop');
    // Let the inner rejection's handlers run: an unhandled one fails the vitest run.
    await new Promise((resolve) => setTimeout(resolve, 10));
  });
});
