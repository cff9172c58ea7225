import type { ScheduleDeletedJson, ScheduleListJson } from '../../../exports/export-schema.ts';
import { parseScheduleBody } from '../../../exports/schedule-options.ts';
import { requireScimToken } from '../../../scim/require-scim-token.ts';
import { scheduleToJson } from '../../../exports/schedule-store.ts';
import type { Handler } from '../../handler-types.ts';
import { scheduleStore, withSchedule } from './lookup.ts';

/** `POST /v1/export-schedules`: validates the cron (BullMQ's parser, and the minimum interval), stores it and upserts the job scheduler. */
export const createSchedule: Handler = async (deps, req) => {
  const request = parseScheduleBody(req.body, { minIntervalMinutes: deps.config.exportScheduleMinIntervalMinutes });
  if (request.options.object === 'team_members') requireScimToken(deps.config, "object 'team_members'");
  const store = scheduleStore(deps);
  const schedule = await store.create(request, deps.config.exportKeepFiles);
  return { status: 201, body: scheduleToJson(schedule, await store.nextRunOf(schedule), deps.config.exportKeepFiles) };
};

/** `GET /v1/export-schedules`: every schedule with its next run. */
export const listSchedules: Handler = async (deps) => {
  const store = scheduleStore(deps);
  const schedules = await store.list();
  const data = await Promise.all(
    schedules.map(async (s) => scheduleToJson(s, await store.nextRunOf(s), deps.config.exportKeepFiles)),
  );
  return { status: 200, body: { object: 'list', data } satisfies ScheduleListJson };
};

/** `GET /v1/export-schedules/:id`. */
export const getSchedule: Handler = withSchedule(async (deps, _req, schedule) => {
  const next = await scheduleStore(deps).nextRunOf(schedule);
  return { status: 200, body: scheduleToJson(schedule, next, deps.config.exportKeepFiles) };
});

/** `DELETE /v1/export-schedules/:id`: no more runs; the files of past runs stay. */
export const deleteSchedule: Handler = withSchedule(async (deps, _req, schedule) => {
  await scheduleStore(deps).remove(schedule.id);
  return { status: 200, body: { id: schedule.id, object: 'export_schedule', deleted: true } satisfies ScheduleDeletedJson };
});
