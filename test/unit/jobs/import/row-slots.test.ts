import { describe, expect, it } from 'vitest';
import { RowSlots } from '../../../../jobs/import/row-slots.ts';

const tick = () => new Promise((r) => setImmediate(r));

describe('RowSlots', () => {
  it('lets at most size rows hold a slot and serves waiters in order', async () => {
    const slots = new RowSlots(2);
    const a = await slots.take();
    const b = await slots.take();
    expect(slots.inUse).toBe(2);
    const order: string[] = [];
    const c = slots.take().then((s) => (order.push('c'), s));
    const d = slots.take().then((s) => (order.push('d'), s));
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
    expect(slots.inUse).toBe(0);
  });

  it('a parked row gives its slot to another row, then takes one back', async () => {
    const slots = new RowSlots(1);
    const waiting = await slots.take();
    let other = false;
    const next = slots.take().then((s) => ((other = true), s));
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
    expect(slots.inUse).toBe(0);
  });
});
