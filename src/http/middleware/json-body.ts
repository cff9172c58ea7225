import type { IncomingHttpHeaders } from 'node:http';
import express, { type RequestHandler } from 'express';
import { AppError } from '../../errors.ts';

/** The largest JSON body a `/v1` route reads (export options and schedules are a few hundred bytes). */
export const JSON_BODY_LIMIT = '1mb';

/** The bare media type of a Content-Type header, lower-cased (`application/json; charset=utf-8` → `application/json`). */
function mediaType(header: string): string {
  return (header.split(';')[0] ?? '').trim().toLowerCase();
}

/** True when the request carries body bytes (or may: a chunked body of unknown length). */
function hasBodyBytes(headers: IncomingHttpHeaders): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length.trim() !== '0');
}

/**
 * Refuses, with 415, a body that is not JSON: without this, `curl -d 'query=…'` (form-encoded) or a text/plain body
 * was skipped by the JSON parser and the handler saw no options at all, i.e. "export everything". A request with no
 * body and no Content-Type passes (an empty body means the defaults where the route's body is optional).
 */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  const type = req.headers['content-type'];
  const declared = type === undefined ? undefined : mediaType(type);
  if (declared === 'application/json') { next(); return; }
  if (declared === undefined && !hasBodyBytes(req.headers)) { next(); return; }
  next(
    new AppError(
      'unsupported_media_type',
      `The body must be JSON: send Content-Type: application/json (got ${declared === undefined ? 'a body without Content-Type' : `'${declared}'`}).`,
      415,
    ),
  );
};

/** requireJsonBody, then Express's JSON parser (400 invalid_json, 413 over the limit, 415 for a charset it cannot read). */
export const jsonBody: RequestHandler[] = [requireJsonBody, express.json({ limit: JSON_BODY_LIMIT, type: 'application/json' })];
