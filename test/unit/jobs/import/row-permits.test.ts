import { describe, expect, it } from 'vitest';
import { RowPermits } from '../../../../jobs/import/row-permits.ts';

const tick = () => new Promise((r) => setImmediate(r));

describe('RowPermits', () => {
  it('lets at most size rows hold a permit and serves waiters in order', async () => {
    const permits = new RowPermits(2);
    const a = await permits.take();
    const b = await permits.take();
    expect(permits.inUse).toBe(2);
    const order: string[] = [];
    const c = permits.take().then((s) => (order.push('c'), s));
    const d = permits.take().then((s) => (order.push('d'), s));
    await tick();
    expect(order).toEqual([]);
    a.done();
    await tick();
    expect(order).toEqual(['c']);
    b.done();
    await tick();
    expect(order).toEqual(['c', 'd']);
    (await c).done();
    (await d).done();
    expect(permits.inUse).toBe(0);
  });

  it('a parked row gives its permit to another row, then takes one back', async () => {
    const permits = new RowPermits(1);
    const waiting = await permits.take();
    let other = false;
    const next = permits.take().then((s) => ((other = true), s));
    waiting.park();
    await tick();
    expect(other).toBe(true);
    let back = false;
    const unparked = waiting.unpark().then(() => (back = true));
    await tick();
    expect(back).toBe(false);
    (await next).done();
    await unparked;
    expect(back).toBe(true);
    waiting.done();
    waiting.done();
    waiting.park();
    expect(permits.inUse).toBe(0);
  });
});
