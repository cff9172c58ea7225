import type { AppDeps } from '../../../deps.ts';
import { notFound } from '../../../errors.ts';
import { isExportId, isScheduleId } from '../../../exports/export-ids.ts';
import type { ExportRecord } from '../../../exports/export-record.ts';
import { ExportStore } from '../../../exports/export-store.ts';
import { ScheduleStore, type ExportSchedule } from '../../../exports/schedule-store.ts';
import type { GuardedHandler, Handler } from '../../handler-types.ts';

export const exportStore = (deps: AppDeps): ExportStore => new ExportStore(deps.redis, deps.config.queuePrefix);

export const scheduleStore = (deps: AppDeps): ScheduleStore =>
  new ScheduleStore(deps.redis, deps.queues.export, deps.config.queuePrefix);

/** The export named by the URL, or a 404 (ids of the wrong shape never reach Redis). */
async function requireExport(deps: AppDeps, id: string | undefined): Promise<ExportRecord> {
  const record = id !== undefined && isExportId(id) ? await exportStore(deps).get(id) : null;
  if (record === null) throw notFound('Export', id ?? '');
  return record;
}

async function requireSchedule(deps: AppDeps, id: string | undefined): Promise<ExportSchedule> {
  const schedule = id !== undefined && isScheduleId(id) ? await scheduleStore(deps).get(id) : null;
  if (schedule === null) throw notFound('Export schedule', id ?? '');
  return schedule;
}

/** A guard: the export named by `:id` is handed to `handler`, or the request answers 404. */
export const withExport =
  (handler: GuardedHandler<ExportRecord>): Handler =>
  async (deps, req) =>
    handler(deps, req, await requireExport(deps, req.params.id));

/** A guard: the schedule named by `:id` is handed to `handler`, or the request answers 404. */
export const withSchedule =
  (handler: GuardedHandler<ExportSchedule>): Handler =>
  async (deps, req) =>
    handler(deps, req, await requireSchedule(deps, req.params.id));
