import { describe, expect, it } from 'vitest';
import { ReorderBuffer } from '../../../../jobs/import/reorder-buffer.ts';

describe('ReorderBuffer', () => {
  it('hands rows out in order however they finish', () => {
    const buffer = new ReorderBuffer<string>(1);
    buffer.put(3, 'c');
    buffer.put(2, 'b');
    expect(buffer.takeReady()).toEqual([]);
    expect(buffer.size).toBe(2);
    buffer.put(1, 'a');
    expect(buffer.takeReady()).toEqual(['a', 'b', 'c']);
    expect(buffer.nextRow).toBe(4);
    buffer.put(5, 'e');
    buffer.put(4, 'd');
    expect(buffer.takeReady()).toEqual(['d', 'e']);
    expect(buffer.size).toBe(0);
  });

  it('starts after a checkpoint and refuses a row reported twice', () => {
    const buffer = new ReorderBuffer<string>(101);
    buffer.put(101, 'x');
    expect(buffer.takeReady()).toEqual(['x']);
    expect(() => buffer.put(101, 'again')).toThrow(/already reported/);
    buffer.put(103, 'z');
    expect(() => buffer.put(103, 'z')).toThrow(/already reported/);
  });

  it('releases a shuffled run of 1,000 rows exactly once each, in order', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => i + 1);
    for (let i = rows.length - 1; i > 0; i--) {
      const j = (i * 7919) % (i + 1);
      [rows[i], rows[j]] = [rows[j] as number, rows[i] as number];
    }
    const buffer = new ReorderBuffer<number>(1);
    const out: number[] = [];
    for (const row of rows) {
      buffer.put(row, row);
      out.push(...buffer.takeReady());
    }
    expect(out).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });
});
