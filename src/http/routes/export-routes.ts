import type { Router } from 'express';
import type { AppDeps } from '../../deps.ts';
import { cancelExport } from '../handlers/exports/cancel-export.ts';
import { createExport } from '../handlers/exports/create-export.ts';
import { downloadExport } from '../handlers/exports/download-export.ts';
import { getExport } from '../handlers/exports/get-export.ts';
import type { RouteSpec } from '../handler-types.ts';
import { listExports } from '../handlers/exports/list-exports.ts';
import { createSchedule, deleteSchedule, getSchedule, listSchedules } from '../handlers/exports/schedule-handlers.ts';
import { routerFromTable } from '../route-adapter.ts';

/** Routes under `/v1/exports`. */
export const EXPORT_ROUTES: readonly RouteSpec[] = [
  { method: 'post', route: '/', handler: createExport, body: 'json' },
  { method: 'get', route: '/', handler: listExports },
  { method: 'get', route: '/:id', handler: getExport },
  { method: 'get', route: '/:id/file', handler: downloadExport },
  { method: 'delete', route: '/:id', handler: cancelExport },
];

/** Routes under `/v1/export-schedules`. */
export const EXPORT_SCHEDULE_ROUTES: readonly RouteSpec[] = [
  { method: 'post', route: '/', handler: createSchedule, body: 'json' },
  { method: 'get', route: '/', handler: listSchedules },
  { method: 'get', route: '/:id', handler: getSchedule },
  { method: 'delete', route: '/:id', handler: deleteSchedule },
];

/** The export API, mounted by the app at `/v1/exports` (auth is the app's; each route that takes a body parses it). */
export function createExportRouter(deps: AppDeps): Router {
  return routerFromTable(deps, EXPORT_ROUTES);
}

/** The schedule API, mounted by the app at `/v1/export-schedules`. */
export function createExportScheduleRouter(deps: AppDeps): Router {
  return routerFromTable(deps, EXPORT_SCHEDULE_ROUTES);
}
