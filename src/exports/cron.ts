import { CronExpressionParser } from 'cron-parser';
// A direct dependency pinned to the version BullMQ itself uses, so a cron accepted here is one its schedulers accept.

/** True when `tz` is an IANA time zone this Node.js knows (what BullMQ's cron-parser will accept). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks a cron pattern with the parser BullMQ uses (5 fields, or 6 with seconds first, e.g. `0 0 3 * * *`);
 * answers the problem, or null when it is valid.
 */
export function cronProblem(pattern: string, tz: string | undefined): string | null {
  if (pattern.trim().split(/\s+/).length < 5) return `cron: '${pattern}' needs 5 fields (or 6 with seconds first)`;
  if (tz !== undefined && !isTimeZone(tz)) return `tz: '${tz}' is not an IANA time zone (e.g. Europe/Paris)`;
  try {
    CronExpressionParser.parse(pattern, tz === undefined ? {} : { tz });
    return null;
  } catch (err) {
    return `cron: '${pattern}' is not a valid cron pattern (${(err as Error).message})`;
  }
}

/** The next run (ms) after `from`, or null when the pattern never fires again. */
export function nextRun(pattern: string, tz: string | undefined, from = new Date()): number | null {
  try {
    const options = tz === undefined ? { currentDate: from } : { currentDate: from, tz };
    return CronExpressionParser.parse(pattern, options).next().getTime();
  } catch {
    return null;
  }
}

/**
 * Fire times looked at to find a pattern's smallest gap. A gap under the minimum comes from the seconds and minutes
 * fields (two values close together within an hour, or late and early minutes of adjacent hours), so it shows up
 * within the first hours' runs; 40 keeps a yearly pattern's check under ~0.1 s (cron-parser walks to each run).
 */
const GAP_SAMPLE_FIRES = 40;

/**
 * The smallest gap (ms) between consecutive fire times among the next ones after `from`, or null when it fires
 * fewer than twice. A pattern is only as rare as its closest two runs: `0,1 3 * * *` fires twice a minute apart.
 */
export function smallestGapMs(pattern: string, tz: string | undefined, from = new Date()): number | null {
  const options = tz === undefined ? { currentDate: from } : { currentDate: from, tz };
  const expression = CronExpressionParser.parse(pattern, options);
  let previous: number | undefined;
  let smallest: number | null = null;
  for (let i = 0; i < GAP_SAMPLE_FIRES && expression.hasNext(); i++) {
    const at = expression.next().getTime();
    if (previous !== undefined && (smallest === null || at - previous < smallest)) smallest = at - previous;
    previous = at;
  }
  return smallest;
}

function describeGap(ms: number): string {
  if (ms < 60_000) return `${ms / 1000} s`;
  return `${Math.round((ms / 60_000) * 100) / 100} min`;
}

/**
 * Refuses a pattern that fires more often than every `minMinutes` (each run is a full export that reads every
 * customer: `* * * * * *` would start one every second). Answers the problem, or null. Call after cronProblem.
 */
export function frequencyProblem(pattern: string, tz: string | undefined, minMinutes: number): string | null {
  if (minMinutes <= 0) return null;
  const gap = smallestGapMs(pattern, tz);
  if (gap === null || gap >= minMinutes * 60_000) return null;
  return (
    `cron: '${pattern}' runs as often as every ${describeGap(gap)}; schedules may run at most once every ` +
    `${minMinutes} min (EXPORT_SCHEDULE_MIN_INTERVAL_MINUTES)`
  );
}
