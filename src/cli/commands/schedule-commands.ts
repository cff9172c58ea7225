import type { ExportSchedule, ExportScheduleRequest } from '../api-types.ts';
import { println, type CliContext } from '../context.ts';
import { CliUsageError, EXIT_CODES } from '../exit-codes.ts';
import { exportRequestFromOptions, type ExportFilterOptions } from './export-command.ts';

/** Options of `stripe-bulk schedule create`. */
export interface ScheduleCreateOptions extends ExportFilterOptions {
  cron: string;
  tz?: string;
  /** How many files of this schedule to keep. */
  keep?: string;
}

/**
 * `2026-12-04 03:00 Europe/Paris (02:00Z)`: the time in the schedule's own zone, the one its cron pattern is read in,
 * then UTC. `-` when the pattern never fires again.
 */
export function nextRunText(schedule: Pick<ExportSchedule, 'next_run_at' | 'tz'>): string {
  if (!schedule.next_run_at) return '-';
  const at = new Date(schedule.next_run_at);
  if (Number.isNaN(at.getTime())) return schedule.next_run_at;
  const utc = at.toISOString();
  const utcText = `${utc.slice(0, 10)} ${utc.slice(11, 16)}Z`;
  if (!schedule.tz || schedule.tz === 'UTC' || schedule.tz === 'Etc/UTC') return utcText;
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-GB', {
      timeZone: schedule.tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(at);
  } catch {
    return utcText;
  }
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  const sameDay = utc.slice(0, 10) === `${get('year')}-${get('month')}-${get('day')}`;
  const utcShort = sameDay ? `${utc.slice(11, 16)}Z` : utcText;
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')} ${schedule.tz} (${utcShort})`;
}

/** Fixed-width columns; the last one is not padded. */
function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')).join('\n');
}

/** `stripe-bulk schedules`: one line per export schedule with its next run. */
export async function runSchedulesList(ctx: CliContext, options: { json: boolean }): Promise<number> {
  const schedules = await ctx.client.listSchedules();
  if (options.json) {
    println(ctx.stdout, JSON.stringify(schedules, null, 2));
    return EXIT_CODES.ok;
  }
  if (schedules.length === 0) {
    println(ctx.stdout, 'No export schedules.');
    return EXIT_CODES.ok;
  }
  const rows = [['ID', 'CRON', 'TZ', 'KEEP', 'NEXT RUN']];
  for (const s of schedules) rows.push([s.id, s.cron, s.tz ?? 'UTC', String(s.keep), nextRunText(s)]);
  println(ctx.stdout, table(rows));
  return EXIT_CODES.ok;
}

/** `stripe-bulk schedule create --cron …`: prints the new schedule's id. */
export async function runScheduleCreate(ctx: CliContext, options: ScheduleCreateOptions): Promise<number> {
  const body: ExportScheduleRequest = { cron: options.cron, ...exportRequestFromOptions(options) };
  if (options.tz !== undefined) body.tz = options.tz;
  if (options.keep !== undefined) {
    const keep = Number(options.keep);
    if (!Number.isInteger(keep) || keep < 1) throw new CliUsageError(`--keep must be a positive integer (got '${options.keep}').`);
    body.keep = keep;
  }
  const schedule = await ctx.client.createSchedule(body);
  println(ctx.stdout, schedule.id);
  println(ctx.stderr, `Schedule ${schedule.id} created; next run ${nextRunText(schedule)}.`);
  return EXIT_CODES.ok;
}

/** `stripe-bulk schedule delete ID`. */
export async function runScheduleDelete(ctx: CliContext, id: string): Promise<number> {
  await ctx.client.deleteSchedule(id);
  println(ctx.stderr, `Schedule ${id} deleted.`);
  return EXIT_CODES.ok;
}
