import type { Router } from 'express';
import type { AppDeps } from '../../deps.ts';
import type { RouteSpec } from '../handler-types.ts';
import { cancelImport } from '../handlers/imports/cancel-import.ts';
import { createImport } from '../handlers/imports/create-import.ts';
import { getImport } from '../handlers/imports/get-import.ts';
import { listImports } from '../handlers/imports/list-imports.ts';
import { streamResults } from '../handlers/imports/stream-results.ts';
import { routerFromTable } from '../route-adapter.ts';

/** Routes under `/v1/imports`. */
export const IMPORT_ROUTES: readonly RouteSpec[] = [
  { method: 'get', route: '/:id/results', handler: streamResults },
  { method: 'post', route: '/', handler: createImport, body: 'stream' },
  { method: 'get', route: '/', handler: listImports },
  { method: 'get', route: '/:id', handler: getImport },
  { method: 'delete', route: '/:id', handler: cancelImport },
];

/** The import API, mounted by the app at `/v1/imports` (auth is the app's; the upload streams its own body). */
export function createImportRouter(deps: AppDeps): Router {
  return routerFromTable(deps, IMPORT_ROUTES);
}
