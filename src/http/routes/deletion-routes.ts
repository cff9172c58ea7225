import type { Router } from 'express';
import type { AppDeps } from '../../deps.ts';
import type { RouteSpec } from '../handler-types.ts';
import { cancelDeletion } from '../handlers/deletions/cancel-deletion.ts';
import { createDeletion } from '../handlers/deletions/create-deletion.ts';
import { getDeletion } from '../handlers/deletions/get-deletion.ts';
import { streamDeletionResults } from '../handlers/deletions/stream-deletion-results.ts';
import { routerFromTable } from '../route-adapter.ts';

/** Routes under `/v1/deletions`. The POST reads its own body: a CSV upload or an undo's JSON. */
export const DELETION_ROUTES: readonly RouteSpec[] = [
  { method: 'get', route: '/:id/results', handler: streamDeletionResults },
  { method: 'post', route: '/', handler: createDeletion, body: 'stream' },
  { method: 'get', route: '/:id', handler: getDeletion },
  { method: 'delete', route: '/:id', handler: cancelDeletion },
];

/** The deletion API, mounted by the app at `/v1/deletions`. */
export function createDeletionRouter(deps: AppDeps): Router {
  return routerFromTable(deps, DELETION_ROUTES);
}
