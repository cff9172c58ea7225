import { AppError } from '../../../errors.ts';
import { exportKeys } from '../../../exports/export-keys.ts';
import { isScheduleId } from '../../../exports/export-ids.ts';
import { exportToJson } from '../../../exports/export-record.ts';
import type { Handler } from './handler-types.ts';
import { exportStore } from './lookup.ts';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

function parseLimit(raw: unknown): number {
  if (raw === undefined) return DEFAULT_LIMIT;
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
    throw new AppError('invalid_request', `limit: must be an integer from 1 to ${MAX_LIMIT}`, 400);
  }
  return n;
}

/** `GET /v1/exports?limit=&schedule_id=`: the most recent exports, newest first. */
export const listExports: Handler = async (deps, req) => {
  const limit = parseLimit(req.query.limit);
  const scheduleId = req.query.schedule_id;
  const store = exportStore(deps);
  let records;
  if (scheduleId !== undefined) {
    if (typeof scheduleId !== 'string' || !isScheduleId(scheduleId)) {
      throw new AppError('invalid_request', 'schedule_id: not an export schedule id (exs_…)', 400);
    }
    const ids = await deps.redis.zrevrange(exportKeys.scheduleRuns(deps.config.queuePrefix, scheduleId), 0, limit - 1);
    records = await store.getMany(ids);
  } else {
    records = await store.listRecent(limit);
  }
  return { status: 200, body: { object: 'list', data: records.map(exportToJson) } };
};
