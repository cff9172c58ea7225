/** `75` → `1m15s`; `3725` → `1h02m`; unknown → `?`. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `1536` → `1.5 KB`. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '?';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Seconds between two ISO timestamps (or epoch milliseconds), when both are known. */
export function elapsedSeconds(start: string | number | null | undefined, end: string | number | null | undefined): number | undefined {
  if (start === null || start === undefined || end === null || end === undefined) return undefined;
  const a = typeof start === 'number' ? start : Date.parse(start);
  const b = typeof end === 'number' ? end : Date.parse(end);
  return Number.isFinite(a) && Number.isFinite(b) ? Math.max(0, (b - a) / 1000) : undefined;
}

/** Left-aligned label, right-aligned numbers: one `label  value` per line. */
export function formatTable(rows: Array<[string, string | number]>, indent = '  '): string {
  const width = Math.max(0, ...rows.map(([label]) => label.length));
  const valueWidth = Math.max(0, ...rows.map(([, v]) => String(v).length));
  return rows.map(([label, value]) => `${indent}${label.padEnd(width)}  ${String(value).padStart(valueWidth)}`).join('\n');
}

/** The error field of a record, which the API sends as a string or as `{message}`. */
export function errorText(error: string | { message?: string } | null | undefined): string | undefined {
  if (error === null || error === undefined) return undefined;
  return typeof error === 'string' ? error : error.message;
}
