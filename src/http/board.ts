import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { RequestHandler } from 'express';
import type { Config } from '../config.ts';
import { basicAuth } from './middleware/basic-auth.ts';

export const BOARD_PATH = '/admin/queues';

/**
 * What Bull Board's page needs, and no more: its HTML sets `<base href>` (its asset URLs are relative to it),
 * carries inline style attributes and a `<style>` block, and links IBM Plex from Google Fonts; its editor
 * (CodeMirror) injects `<style>` elements at run time. Scripts stay same-origin only: the page's one inline
 * `<script>` is JSON (`type="application/json"`), which the browser never runs.
 */
const BOARD_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline' https://fonts.googleapis.com",
  "font-src 'self' https://fonts.gstatic.com",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The headers of every board response, exported for the tests that check them. */
export const BOARD_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': BOARD_CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** Why the board is not mounted, or null when it is. */
export function boardRefusal(board: Config['board']): string | null {
  if (board.user && board.password) return null;
  if (board.authOff) return null;
  return 'Bull Board is not mounted: set BOARD_USER and BOARD_PASSWORD, or BOARD_AUTH=off to expose it without auth.';
}

/**
 * Bull Board over every queue, behind basic auth. Job data holds file names, options and counts only,
 * so nothing secret is shown. Read-only (BOARD_READ_ONLY=true) hides every control, and bull-board's API
 * answers 405 to a retry, clean, pause, empty or add on a read-only queue.
 */
export function createBoardRouter(board: Config['board'], queues: Queue[]): RequestHandler[] {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BOARD_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: board.readOnly })),
    serverAdapter,
    options: {
      uiConfig: {
        boardTitle: 'stripe-bulk',
        ...(board.readOnly ? { environment: { label: 'read-only', color: '#475569', textColor: '#ffffff' } } : {}),
      },
    },
  });
  const headers: RequestHandler = (_req, res, next) => {
    for (const [name, value] of Object.entries(BOARD_HEADERS)) res.setHeader(name, value);
    next();
  };
  const guard = board.user && board.password ? [basicAuth(board.user, board.password)] : [];
  return [headers, ...guard, serverAdapter.getRouter() as RequestHandler];
}
