import { describe, expect, it } from 'vitest';
import { freshRead } from '../../../../jobs/import/fresh-read.ts';

/** A source whose reads answer when the test says so, each with the value the flag had when the read started. */
function source() {
  let flag = 0;
  const pending: (() => void)[] = [];
  let reads = 0;
  return {
    set: (v: number) => (flag = v),
    get reads() {
      return reads;
    },
    read: () => {
      reads += 1;
      const seen = flag;
      return new Promise<number>((resolve) => pending.push(() => resolve(seen)));
    },
    answerAll: () => pending.splice(0).forEach((answer) => answer()),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('freshRead', () => {
  it('serves callers that ask together with one read', async () => {
    const s = source();
    const check = freshRead(s.read);
    const answers = Promise.all(Array.from({ length: 50 }, () => check()));
    await tick();
    s.answerAll();
    expect(await answers).toEqual(Array.from({ length: 50 }, () => 0));
    expect(s.reads).toBe(1);
  });

  it('never answers a caller with a read sent before it asked', async () => {
    const s = source();
    const check = freshRead(s.read);
    const early = check();
    await tick();
    expect(s.reads).toBe(1);
    s.set(1);
    // These ask while the first read (which saw 0) is in flight: they share one read started after it answers.
    const late = [check(), check(), check()];
    await tick();
    expect(s.reads).toBe(1);
    s.answerAll();
    expect(await early).toBe(0);
    await tick();
    expect(s.reads).toBe(2);
    s.answerAll();
    expect(await Promise.all(late)).toEqual([1, 1, 1]);
    expect(s.reads).toBe(2);
  });

  it('passes a failed read to its callers and reads again for the next', async () => {
    let fail = true;
    let reads = 0;
    const check = freshRead(() => {
      reads += 1;
      return fail ? Promise.reject(new Error('redis away')) : Promise.resolve(true);
    });
    await expect(check()).rejects.toThrow('redis away');
    fail = false;
    await expect(check()).resolves.toBe(true);
    expect(reads).toBe(2);
  });
});
