import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { RequestHandler } from 'express';
import type { Config } from '../config.ts';
import { basicAuth } from './middleware/basic-auth.ts';

export const BOARD_PATH = '/admin/queues';

/** Why the board is not mounted, or null when it is. */
export function boardRefusal(board: Config['board']): string | null {
  if (board.user && board.password) return null;
  if (board.authOff) return null;
  return 'Bull Board is not mounted: set BOARD_USER and BOARD_PASSWORD, or BOARD_AUTH=off to expose it without auth.';
}

/**
 * Bull Board over every queue, behind basic auth. Job data holds file names, options and counts only,
 * so nothing secret is shown.
 */
export function createBoardRouter(board: Config['board'], queues: Queue[]): RequestHandler[] {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BOARD_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'stripe-bulk' } },
  });
  const guard = board.user && board.password ? [basicAuth(board.user, board.password)] : [];
  return [...guard, serverAdapter.getRouter() as RequestHandler];
}
