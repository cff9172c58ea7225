/** How far past the first unfinished row the import may dispatch, per row in flight. */
export const ROWS_AHEAD_PER_IN_FLIGHT = 4;

/**
 * The row dispatch window of an import: rows finish out of order and wait in the reorder buffer until every row
 * before them is done, so a row is dispatched only while it is fewer than `size` rows past the first unfinished
 * one. That bounds the buffer to `size` results whatever one slow row does.
 */
export class RowWindow {
  readonly size: number;

  constructor(inFlight: number) {
    this.size = inFlight * ROWS_AHEAD_PER_IN_FLIGHT;
  }

  /** True while `row` must wait for the first unfinished row to move. */
  mustWait(row: number, firstUnfinished: number): boolean {
    return row - firstUnfinished >= this.size;
  }
}
