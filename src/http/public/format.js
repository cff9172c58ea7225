// Numbers a person reads: rates, time left, file sizes, times in a schedule's own zone.

/** The same window as the CLI's progress bar: the rate of the last seconds, not of the whole (once queued) run. */
const RATE_WINDOW_MS = 10_000;
const MIN_SPAN_MS = 2_500;

/** Rate per second over the recent window, and the time left it implies (mirrors src/cli/progress.ts). */
export class RateMeter {
  constructor() {
    this.samples = [];
  }

  add(at, value) {
    this.samples.push({ at, value });
    while (this.samples.length > 2 && this.samples[1].at <= at - RATE_WINDOW_MS) this.samples.shift();
  }

  /**
   * Undefined until the samples span MIN_SPAN_MS and the count has moved: counts arrive in bursts (rows finish out
   * of order, and the count only covers the rows up to the first unfinished one; seen: +50 rows, then 4 s of
   * nothing), so a page opened in a pause would read "0.0 rows/s". A count still for the whole window is a 0 rate.
   */
  rate() {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at - first.at < MIN_SPAN_MS) return undefined;
    if (last.value === first.value && last.at - first.at < RATE_WINDOW_MS) return undefined;
    return Math.max(0, ((last.value - first.value) * 1000) / (last.at - first.at));
  }

  secondsLeft(value, total) {
    if (!total) return undefined;
    if (value >= total) return 0;
    const rate = this.rate();
    return rate && rate > 0 ? (total - value) / rate : undefined;
  }
}

export function formatRate(rate, unit) {
  if (rate === undefined) return '';
  return `${rate.toFixed(rate < 10 ? 1 : 0)} ${unit}/s`;
}

export function formatDuration(seconds) {
  if (seconds === undefined) return '';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** Decimal units, as file managers show them. */
export function formatBytes(bytes) {
  if (typeof bytes !== 'number') return '';
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export const formatCount = (n) => (typeof n === 'number' ? n.toLocaleString('en-US') : '0');

/** A time in the viewer's zone, or in `timeZone` (an IANA name; the viewer's if the browser does not know it). */
export function formatTime(iso, timeZone) {
  if (!iso) return '';
  const date = new Date(iso);
  const options = { dateStyle: 'medium', timeStyle: 'short' };
  try {
    return date.toLocaleString(undefined, timeZone ? { ...options, timeZone } : options);
  } catch {
    return date.toLocaleString(undefined, options);
  }
}
