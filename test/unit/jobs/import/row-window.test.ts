import { describe, expect, it } from 'vitest';
import { ROWS_AHEAD_PER_IN_FLIGHT, RowWindow } from '../../../../jobs/import/row-window.ts';

describe('RowWindow: how far past the first unfinished row rows are dispatched', () => {
  it('is 4 × the rows in flight', () => {
    expect(ROWS_AHEAD_PER_IN_FLIGHT).toBe(4);
    expect(new RowWindow(8).size).toBe(32);
  });

  it('holds a row back once it is size rows past the first unfinished one', () => {
    const window = new RowWindow(2);
    expect(window.mustWait(1, 1)).toBe(false);
    expect(window.mustWait(8, 1)).toBe(false);
    expect(window.mustWait(9, 1)).toBe(true);
    expect(window.mustWait(9, 2)).toBe(false);
  });

  it('never lets more than size rows wait in the reorder buffer, whatever order rows finish in', () => {
    // Row 1 never finishes; every later row finishes at once. Dispatch stops at the window's edge.
    const window = new RowWindow(3);
    const firstUnfinished = 1;
    let row = 1;
    while (!window.mustWait(row, firstUnfinished)) row += 1;
    const buffered = row - firstUnfinished - 1;
    expect(buffered).toBeLessThan(window.size);
    expect(row - firstUnfinished).toBe(window.size);
  });
});
