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
