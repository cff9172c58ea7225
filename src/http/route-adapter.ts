import { createReadStream, type ReadStream } from 'node:fs';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../deps.ts';
import type { FileBody, HandlerRequest, HandlerResult, RouteSpec } from './handler-types.ts';
import { jsonBody } from './middleware/json-body.ts';

/** Opens the file before any header is set, so a file that is gone is an error answer, not a cut download. */
async function openFile(path: string, end: number | undefined): Promise<ReadStream> {
  const stream = createReadStream(path, end === undefined ? {} : { start: 0, end });
  await once(stream, 'open');
  return stream;
}

/** Streams `source` as the body; once a byte may have left, a failure can only cut the connection. */
async function pipe(res: Response, source: Readable): Promise<void> {
  try {
    await pipeline(source, res);
  } catch {
    // The client went away, or the source failed after the headers: a cut is the only honest answer left.
    res.destroy();
  }
}

async function sendFile(res: Response, status: number, file: FileBody): Promise<void> {
  const source = 'path' in file ? await openFile(file.path, file.end) : undefined;
  res.status(status);
  res.setHeader('Content-Type', file.contentType);
  if (file.length !== undefined) res.setHeader('Content-Length', String(file.length));
  res.setHeader('Content-Disposition', `attachment; filename="${file.name}"`);
  res.setHeader('Cache-Control', 'no-store');
  if (source === undefined) res.end('text' in file ? file.text : '');
  else await pipe(res, source);
}

/** Turns a handler's result into the Express answer. */
export async function sendResult(res: Response, result: HandlerResult): Promise<void> {
  if ('file' in result) return sendFile(res, result.status, result.file);
  if ('stream' in result) {
    // setHeader, not res.set: Express would append a charset to a Content-Type the handler chose.
    res.status(result.status);
    for (const [name, value] of Object.entries(result.headers)) res.setHeader(name, value);
    return pipe(res, result.stream);
  }
  if (result.headers) res.set(result.headers);
  res.status(result.status).json(result.body);
}

function handlerRequest(req: Request): HandlerRequest {
  const params = Object.fromEntries(Object.entries(req.params).map(([k, v]) => [k, String(v)]));
  return { params, query: req.query, headers: req.headers, body: req.body, stream: req };
}

/**
 * Turns a route table into an Express router: the one adapter of the API. A thrown error (an AppError or any
 * other) reaches the app's error middleware (Express 5 forwards a rejected promise).
 */
export function routerFromTable(deps: AppDeps, routes: readonly RouteSpec[]): Router {
  const router = Router();
  for (const { method, route, handler, body } of routes) {
    // Only routes that take a JSON body parse one: a GET with a stray body is not a 400 or 413 of the body parser.
    router[method](route, ...(body === 'json' ? jsonBody : []), async (req: Request, res: Response) => {
      await sendResult(res, await handler(deps, handlerRequest(req)));
    });
  }
  return router;
}
