import type { RequestHandler } from 'express';
import { AppError } from '../../errors.ts';
import { safeEqual } from './safe-equal.ts';

/** Requires `Authorization: Bearer <API_TOKEN>` when a token is configured; open otherwise (local use). */
export function apiTokenAuth(apiToken: string | undefined): RequestHandler {
  return (req, _res, next) => {
    if (apiToken === undefined) { next(); return; }
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match || !safeEqual(match[1] ?? '', apiToken)) {
      next(new AppError('unauthorized', 'Send the API token as "Authorization: Bearer <API_TOKEN>".', 401)); return;
    }
    next();
  };
}
