/** The item at `index`; a RangeError when there is none (a bug in the benchmark, not a figure to report). */
export function itemAt<T>(list: readonly T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new RangeError(`no item ${index} in a list of ${list.length}`);
  return item;
}

/** The median of a non-empty list (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? itemAt(sorted, mid) : (itemAt(sorted, mid - 1) + itemAt(sorted, mid)) / 2;
}

/** Rounds to `digits` decimals (results JSON and tables read better without 15-digit floats). */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A fraction as a percentage string, e.g. 0.973 → "97.3%". */
export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** A number with thousands separators, e.g. 100000 → "100,000". */
export function thousands(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Milliseconds since `startedAt` (a performance.now() reading), in seconds. */
export function secondsSince(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
