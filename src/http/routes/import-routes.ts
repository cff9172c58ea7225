import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { AppDeps } from '../../deps.ts';
import { createImportStore } from '../../imports/import-store.ts';
import { cancelImport } from '../handlers/imports/cancel-import.ts';
import { createImport } from '../handlers/imports/create-import.ts';
import { getImport } from '../handlers/imports/get-import.ts';
import type { ImportHandler, ImportHandlerContext } from '../handlers/imports/handler-types.ts';
import { listImports } from '../handlers/imports/list-imports.ts';
import { streamResults } from '../handlers/imports/stream-results.ts';

/** A handler that writes the response itself (streams). */
type RawHandler = (ctx: ImportHandlerContext, req: Request, res: Response) => Promise<void>;

/** The import API: a table of routes; JSON handlers return `{status, body}`, the results one streams. */
const ROUTES: { method: 'get' | 'post' | 'delete'; path: string; handler: ImportHandler }[] = [
  { method: 'post', path: '/', handler: createImport },
  { method: 'get', path: '/', handler: listImports },
  { method: 'get', path: '/:id', handler: getImport },
  { method: 'delete', path: '/:id', handler: cancelImport },
];
const RAW_ROUTES: { method: 'get'; path: string; handler: RawHandler }[] = [
  { method: 'get', path: '/:id/results', handler: streamResults },
];

/** Mounted by the app at `/v1/imports`, behind the API-token check. */
export function createImportRouter(deps: AppDeps): Router {
  const ctx: ImportHandlerContext = { deps, store: createImportStore(deps.redis, deps.config.queuePrefix) };
  const router = Router();
  for (const route of RAW_ROUTES) {
    const handle: RequestHandler = (req, res, next) => {
      route.handler(ctx, req, res).catch(next);
    };
    router[route.method](route.path, handle);
  }
  for (const route of ROUTES) {
    const handle: RequestHandler = (req, res, next) => {
      route.handler(ctx, req).then(({ status, body, headers }) => {
        if (headers) res.set(headers);
        res.status(status).json(body);
      }, next);
    };
    router[route.method](route.path, handle);
  }
  return router;
}
