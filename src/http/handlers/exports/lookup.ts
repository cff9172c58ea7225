import type { AppDeps } from '../../../deps.ts';
import { isExportId, isScheduleId } from '../../../exports/export-ids.ts';
import { ExportStore } from '../../../exports/export-store.ts';
import { ScheduleStore } from '../../../exports/schedule-store.ts';
import { recordGuard } from '../../record-guard.ts';

export const exportStore = (deps: AppDeps): ExportStore => new ExportStore(deps.redis, deps.config.queuePrefix);

export const scheduleStore = (deps: AppDeps): ScheduleStore =>
  new ScheduleStore(deps.redis, deps.queues.export, deps.config.queuePrefix);

/** A guard: the export named by `:id` is handed to the handler, or the request answers 404. */
export const withExport = recordGuard('Export', isExportId, (deps, id) => exportStore(deps).get(id));

/** A guard: the schedule named by `:id` is handed to the handler, or the request answers 404. */
export const withSchedule = recordGuard('Export schedule', isScheduleId, (deps, id) => scheduleStore(deps).get(id));
