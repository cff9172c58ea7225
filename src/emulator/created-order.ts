/** What the emulator's lists order by: Stripe lists newest first, ties in creation order (`seq`). */
export interface CreatedOrdered {
  created: number;
  seq: number;
}

/** Compares two records in ascending (created, seq) order; lists walk this order backwards. */
export function compareAsc(a: CreatedOrdered, b: CreatedOrdered): number {
  return a.created - b.created || a.seq - b.seq;
}

/** Index of the first record of `sorted` (ascending) not before (created, seq): a binary search. */
export function lowerBound(sorted: readonly CreatedOrdered[], created: number, seq: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const m = sorted[mid] as CreatedOrdered;
    if (m.created < created || (m.created === created && m.seq < seq)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Appends `records` to `sorted` (ascending), calling `each` on every one, and sorts once at the end only when they did
 * not arrive in order: seeding a million records costs one sort, not a splice each.
 */
export function appendAll<T extends CreatedOrdered>(sorted: T[], records: readonly T[], each: (record: T) => void): void {
  let ordered = true;
  let previous = sorted[sorted.length - 1];
  for (const record of records) {
    if (previous !== undefined && compareAsc(previous, record) > 0) ordered = false;
    previous = record;
    sorted.push(record);
    each(record);
  }
  if (!ordered) sorted.sort(compareAsc);
}
