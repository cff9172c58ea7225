import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../../../deps.ts';
import { jsonBody } from '../../middleware/json-body.ts';
import type { FileBody, HandlerResult, RouteSpec } from './handler-types.ts';

async function sendFile(res: Response, file: FileBody): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', file.contentType);
  res.setHeader('Content-Length', String(file.bytes));
  res.setHeader('Content-Disposition', `attachment; filename="${file.name}"`);
  res.setHeader('Cache-Control', 'no-store');
  try {
    await pipeline(createReadStream(file.path), res);
  } catch {
    // The client went away (or the file vanished mid-stream after headers were sent): nothing more to answer.
    res.destroy();
  }
}

async function send(res: Response, result: HandlerResult): Promise<void> {
  if ('file' in result) return sendFile(res, result.file);
  res.status(result.status).json(result.body);
}

/** Turns a route table into an Express router; thrown errors reach the app's error middleware (Express 5). */
export function routerFromTable(deps: AppDeps, routes: readonly RouteSpec[]): Router {
  const router = Router();
  for (const { method, route, handler, body } of routes) {
    // Only routes that take a body parse one: a GET with a stray body is not a 400 or 413 of the body parser.
    router[method](route, ...(body === 'json' ? jsonBody : []), async (req: Request, res: Response) => {
      const params = Object.fromEntries(Object.entries(req.params).map(([k, v]) => [k, String(v)]));
      const result = await handler(deps, { params, query: req.query as Record<string, unknown>, body: req.body });
      await send(res, result);
    });
  }
  return router;
}
