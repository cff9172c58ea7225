/**
 * Rows finish out of order; results.csv lists them in order. The buffer holds finished rows until every row
 * before them has finished. Its size is bounded by the dispatcher, which never starts row r while
 * r - nextRow >= its window.
 */
export class ReorderBuffer<T> {
  private readonly waiting = new Map<number, T>();
  private next: number;

  constructor(firstRow: number) {
    this.next = firstRow;
  }

  /** The first row that has not been handed out yet. */
  get nextRow(): number {
    return this.next;
  }

  /** Finished rows held back because an earlier row is still running. */
  get size(): number {
    return this.waiting.size;
  }

  put(row: number, item: T): void {
    if (row < this.next || this.waiting.has(row)) throw new Error(`row ${row} was already reported`);
    this.waiting.set(row, item);
  }

  /** Removes and returns the finished rows that follow each other from nextRow on. */
  takeReady(): T[] {
    const ready: T[] = [];
    for (let item = this.waiting.get(this.next); item !== undefined; item = this.waiting.get(this.next)) {
      ready.push(item);
      this.waiting.delete(this.next);
      this.next += 1;
    }
    return ready;
  }
}
