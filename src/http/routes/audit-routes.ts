import type { Router } from 'express';
import type { AppDeps } from '../../deps.ts';
import { cancelAudit, downloadAudit, getAudit } from '../handlers/audits/audit-handlers.ts';
import { createAudit } from '../handlers/audits/create-audit.ts';
import type { RouteSpec } from '../handler-types.ts';
import { routerFromTable } from '../route-adapter.ts';

/** Routes under `/v1/audits`. */
export const AUDIT_ROUTES: readonly RouteSpec[] = [
  { method: 'post', route: '/', handler: createAudit, body: 'json' },
  { method: 'get', route: '/:id', handler: getAudit },
  { method: 'get', route: '/:id/file', handler: downloadAudit },
  { method: 'delete', route: '/:id', handler: cancelAudit },
];

/** The audit API, mounted by the app at `/v1/audits`. */
export function createAuditRouter(deps: AppDeps): Router {
  return routerFromTable(deps, AUDIT_ROUTES);
}
