import type { Router } from 'express';
import type { AppDeps } from '../../deps.ts';
import type { RouteSpec } from '../handler-types.ts';
import { createDeprovision } from '../handlers/deprovisions/create-deprovision.ts';
import { cancelDeprovision, deprovisionResults, getDeprovision } from '../handlers/deprovisions/read-deprovision.ts';
import { routerFromTable } from '../route-adapter.ts';

/** Routes under `/v1/team-member-deprovisions`. */
export const DEPROVISION_ROUTES: readonly RouteSpec[] = [
  { method: 'get', route: '/:id/results', handler: deprovisionResults },
  { method: 'post', route: '/', handler: createDeprovision, body: 'stream' },
  { method: 'get', route: '/:id', handler: getDeprovision },
  { method: 'delete', route: '/:id', handler: cancelDeprovision },
];

/** The deprovision API, mounted by the app at `/v1/team-member-deprovisions`. */
export function createDeprovisionRouter(deps: AppDeps): Router {
  return routerFromTable(deps, DEPROVISION_ROUTES);
}
