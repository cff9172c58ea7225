import { AppError } from '../../../errors.ts';
import { exportKeys } from '../../../exports/export-keys.ts';
import { isExportId, isScheduleId } from '../../../exports/export-ids.ts';
import { exportToJson } from '../../../exports/export-record.ts';
import type { ExportListJson } from '../../../exports/export-schema.ts';
import { newestIdsPage, parseListParams } from '../../list-params.ts';
import type { Handler } from '../../handler-types.ts';
import { exportStore } from './lookup.ts';

/** `GET /v1/exports?limit=&starting_after=&schedule_id=`: the most recent exports, newest first. */
export const listExports: Handler = async (deps, req) => {
  const params = parseListParams(req.query, isExportId, 'an export');
  const scheduleId = req.query.schedule_id;
  if (scheduleId !== undefined && (typeof scheduleId !== 'string' || !isScheduleId(scheduleId))) {
    throw new AppError('invalid_request', 'schedule_id: not an export schedule id (exs_…)', 400);
  }
  const prefix = deps.config.queuePrefix;
  const key = scheduleId === undefined ? exportKeys.recent(prefix) : exportKeys.scheduleRuns(prefix, scheduleId);
  const records = await exportStore(deps).getMany(await newestIdsPage(deps.redis, key, params));
  return { status: 200, body: { object: 'list', data: records.map(exportToJson) } satisfies ExportListJson };
};
