import type { RequestHandler } from 'express';
import { errorBody } from '../../errors.ts';
import { safeEqual } from './safe-equal.ts';

/** HTTP basic auth for the operators' board. */
export function basicAuth(user: string, password: string, realm = 'stripe-bulk'): RequestHandler {
  return (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
    if (match) {
      const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon >= 0 && safeEqual(decoded.slice(0, colon), user) && safeEqual(decoded.slice(colon + 1), password)) {
        next(); return;
      }
    }
    res.setHeader('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
    res.status(401).json(errorBody('unauthorized', 'The board needs BOARD_USER / BOARD_PASSWORD.'));
  };
}
