import { z } from 'zod';
import { AppError } from '../errors.ts';
import { cronProblem, frequencyProblem } from './cron.ts';
import { crossFieldProblems, describeIssues, exportOptionsSchema, type ExportOptions } from './export-options.ts';

/** A `POST /v1/export-schedules` body: a cron pattern, its time zone, retention, and the export options. */
export const scheduleBodySchema = exportOptionsSchema.extend({
  cron: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  tz: z.string().trim().min(1, 'must not be empty').max(100).optional(),
  keep: z.number().int('must be an integer').min(1, 'must be at least 1').max(1000, 'must be at most 1000').optional(),
});

/** A validated schedule request. */
export interface ScheduleRequest {
  cron: string;
  tz: string | undefined;
  keep: number | undefined;
  options: ExportOptions;
}

/** Server-side limits on schedules. */
export interface ScheduleLimits {
  /** The smallest gap allowed between two runs (EXPORT_SCHEDULE_MIN_INTERVAL_MINUTES); 0 = no minimum. */
  minIntervalMinutes: number;
}

/**
 * Validates a schedule body; throws a 400 AppError listing every problem (bad cron and time zone included, and a
 * cron that fires more often than the limits allow).
 */
export function parseScheduleBody(body: unknown, limits: ScheduleLimits): ScheduleRequest {
  const parsed = scheduleBodySchema.safeParse(body ?? {});
  if (!parsed.success) {
    throw new AppError('invalid_request', `Invalid export schedule: ${describeIssues(parsed.error).join('; ')}`, 400, {
      problems: describeIssues(parsed.error),
    });
  }
  const { cron, tz, keep, ...options } = parsed.data;
  const problems = crossFieldProblems(options);
  const bad = cronProblem(cron, tz) ?? frequencyProblem(cron, tz, limits.minIntervalMinutes);
  if (bad !== null) problems.unshift(bad);
  if (problems.length > 0) {
    throw new AppError('invalid_request', `Invalid export schedule: ${problems.join('; ')}`, 400, { problems });
  }
  return { cron, tz, keep, options };
}
