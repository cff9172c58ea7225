import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { QUEUE_NAMES } from '../queues/names.ts';
import { nextRun } from './cron.ts';
import { exportKeys } from '../redis-keys.ts';
import { EXPORT_JOB_OPTIONS, type ExportJobData } from './export-job-data.ts';
import { describeIssues, exportOptionsSchema, type ExportOptions } from './export-options.ts';
import { newScheduleId } from './export-ids.ts';
import type { ScheduleJson } from './export-schema.ts';
import type { ScheduleRequest } from './schedule-options.ts';

/** A scheduled full export. Each run makes a normal export record tagged with `id`. */
export interface ExportSchedule {
  id: string;
  cron: string;
  tz: string | null;
  /** Files kept by retention; null means the configured default (EXPORT_KEEP_FILES). */
  keep: number | null;
  options: ExportOptions;
  createdAt: number;
}

const storedSchedule = z.object({
  id: z.string().min(1),
  cron: z.string().min(1),
  tz: z.string().default(''),
  keep: z.string().regex(/^(\d+)?$/).default(''),
  options: z.string(),
  created_at: z.string().regex(/^\d+$/),
});

/**
 * Parses a schedule's hash, validated as the stores read every record: null when it is not a schedule (empty, or
 * no id or cron); an error naming the schedule and the problem when its fields are unreadable (a hand-edited or
 * truncated hash), never a schedule with made-up options.
 */
function parseSchedule(hash: Record<string, string>): ExportSchedule | null {
  if (!hash.id || !hash.cron) return null;
  const fields = storedSchedule.safeParse(hash);
  const problem = (what: string) => new Error(`export schedule ${hash.id} cannot be read: ${what}`);
  if (!fields.success) throw problem(`bad fields (${describeIssues(fields.error).join('; ')})`);
  let options: unknown;
  try {
    options = JSON.parse(fields.data.options);
  } catch (err) {
    throw problem(`the stored options are not JSON (${(err as Error).message})`);
  }
  const parsedOptions = exportOptionsSchema.safeParse(options);
  if (!parsedOptions.success) throw problem(`the stored options are invalid (${describeIssues(parsedOptions.error).join('; ')})`);
  const { id, cron, tz, keep, created_at } = fields.data;
  return { id, cron, tz: tz || null, keep: keep ? Number(keep) : null, options: parsedOptions.data, createdAt: Number(created_at) };
}

/**
 * Schedules live twice: as a BullMQ job scheduler (which makes the runs) and as a record in Redis (which keeps what
 * the user asked for, e.g. `keep` left to the default). The scheduler id is the schedule id.
 */
export class ScheduleStore {
  constructor(
    private readonly redis: Redis,
    private readonly queue: Queue,
    private readonly prefix: string,
  ) {}

  async create(request: ScheduleRequest, defaultKeep: number, now = Date.now()): Promise<ExportSchedule> {
    const schedule: ExportSchedule = {
      id: newScheduleId(),
      cron: request.cron,
      tz: request.tz ?? null,
      keep: request.keep ?? null,
      options: request.options,
      createdAt: now,
    };
    await this.redis
      .multi()
      .hset(exportKeys.schedule(this.prefix, schedule.id), {
        id: schedule.id,
        cron: schedule.cron,
        tz: schedule.tz ?? '',
        keep: schedule.keep === null ? '' : String(schedule.keep),
        options: JSON.stringify(schedule.options),
        created_at: String(now),
      })
      .zadd(exportKeys.schedules(this.prefix), now, schedule.id)
      .exec();
    const data: ExportJobData = { scheduleId: schedule.id, options: schedule.options, keep: schedule.keep ?? defaultKeep };
    const repeat = schedule.tz === null ? { pattern: schedule.cron } : { pattern: schedule.cron, tz: schedule.tz };
    await this.queue.upsertJobScheduler(schedule.id, repeat, { name: QUEUE_NAMES.export, data, opts: EXPORT_JOB_OPTIONS });
    return schedule;
  }

  async get(id: string): Promise<ExportSchedule | null> {
    return parseSchedule(await this.redis.hgetall(exportKeys.schedule(this.prefix, id)));
  }

  async list(): Promise<ExportSchedule[]> {
    const ids = await this.redis.zrevrange(exportKeys.schedules(this.prefix), 0, -1);
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(exportKeys.schedule(this.prefix, id));
    const results = (await pipeline.exec()) ?? [];
    return results
      .map(([err, hash]) => (err ? null : parseSchedule(hash as Record<string, string>)))
      .filter((s): s is ExportSchedule => s !== null);
  }

  /** The next run as BullMQ has it scheduled, else computed from the pattern. */
  async nextRunOf(schedule: ExportSchedule): Promise<number | null> {
    const scheduler = await this.queue.getJobScheduler(schedule.id);
    return scheduler?.next ?? nextRun(schedule.cron, schedule.tz ?? undefined);
  }

  /** Removes the scheduler and its record; past runs and their files stay. False when it did not exist. */
  async remove(id: string): Promise<boolean> {
    const existed = (await this.redis.exists(exportKeys.schedule(this.prefix, id))) === 1;
    await this.queue.removeJobScheduler(id);
    await this.redis
      .multi()
      .del(exportKeys.schedule(this.prefix, id))
      .zrem(exportKeys.schedules(this.prefix), id)
      .exec();
    return existed;
  }
}

/** The public JSON of a schedule (`scheduleSchema`). */
export function scheduleToJson(schedule: ExportSchedule, next: number | null, defaultKeep: number): ScheduleJson {
  return {
    id: schedule.id,
    object: 'export_schedule',
    cron: schedule.cron,
    tz: schedule.tz,
    keep: schedule.keep ?? defaultKeep,
    options: { ...schedule.options, object: schedule.options.object ?? 'customers' },
    next_run_at: next === null ? null : new Date(next).toISOString(),
    created_at: new Date(schedule.createdAt).toISOString(),
    links: { self: `/v1/export-schedules/${schedule.id}`, exports: `/v1/exports?schedule_id=${schedule.id}` },
  };
}
