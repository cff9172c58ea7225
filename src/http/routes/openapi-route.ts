import { Router } from 'express';
import { OPENAPI_DOCUMENT } from '../openapi/openapi-document.ts';

/** Where the document is served. */
export const OPENAPI_PATH = '/openapi.json';

/**
 * `GET /openapi.json`, public like /healthz: the document holds no secret and tools fetch it before they have a
 * token. Serialised once: the document is constant for the life of the process.
 */
export function createOpenApiRouter(): Router {
  const body = JSON.stringify(OPENAPI_DOCUMENT);
  const router = Router();
  router.get(OPENAPI_PATH, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('application/json').send(body);
  });
  return router;
}
