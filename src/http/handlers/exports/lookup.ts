import type { AppDeps } from '../../../deps.ts';
import { notFound } from '../../../errors.ts';
import { isExportId, isScheduleId } from '../../../exports/export-ids.ts';
import type { ExportRecord } from '../../../exports/export-record.ts';
import { ExportStore } from '../../../exports/export-store.ts';
import { ScheduleStore, type ExportSchedule } from '../../../exports/schedule-store.ts';

export const exportStore = (deps: AppDeps): ExportStore => new ExportStore(deps.redis, deps.config.queuePrefix);

export const scheduleStore = (deps: AppDeps): ScheduleStore =>
  new ScheduleStore(deps.redis, deps.queues.export, deps.config.queuePrefix);

/** The export named by the URL, or a 404 (ids of the wrong shape never reach Redis). */
export async function requireExport(deps: AppDeps, id: string | undefined): Promise<ExportRecord> {
  const record = id !== undefined && isExportId(id) ? await exportStore(deps).get(id) : null;
  if (record === null) throw notFound('Export', id ?? '');
  return record;
}

export async function requireSchedule(deps: AppDeps, id: string | undefined): Promise<ExportSchedule> {
  const schedule = id !== undefined && isScheduleId(id) ? await scheduleStore(deps).get(id) : null;
  if (schedule === null) throw notFound('Export schedule', id ?? '');
  return schedule;
}
