import express, { type Express } from 'express';
import { allQueues, type AppDeps } from '../deps.ts';
import { AppError, errorBody } from '../errors.ts';
import { createAuditRouter } from './routes/audit-routes.ts';
import { BOARD_PATH, boardRefusal, createBoardRouter } from './board.ts';
import { apiTokenAuth } from './middleware/api-token-auth.ts';
import { errorHandler } from './middleware/error-handler.ts';
import { redisErrors, redisGate } from './middleware/redis-gate.ts';
import { createDeletionRouter } from './routes/deletion-routes.ts';
import { createDeprovisionRouter } from './routes/deprovision-routes.ts';
import { createExportRouter, createExportScheduleRouter } from './routes/export-routes.ts';
import { createHealthRouter, type KeyStatus } from './routes/health-routes.ts';
import { createImportRouter } from './routes/import-routes.ts';
import { createMetricsRouter } from './routes/metrics-route.ts';
import { createOpenApiRouter } from './routes/openapi-route.ts';
import { createUiRouter } from './routes/ui-routes.ts';

/** Options of the app that are not dependencies. */
export interface AppOptions {
  /** The start-up check of the Stripe key, for /readyz. */
  keyStatus?: () => KeyStatus | undefined;
}

/** The HTTP API and the board, without listen(): tests mount it on port 0. */
export function createApp(deps: AppDeps, options: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);

  app.use(createHealthRouter(deps.redis, options.keyStatus ?? (() => undefined), deps.config.dataDir));

  app.use(createMetricsRouter(deps.metrics));
  app.use(createOpenApiRouter());

  const refusal = boardRefusal(deps.config.board);
  if (refusal === null) {
    app.use(BOARD_PATH, ...createBoardRouter(deps.config.board, allQueues(deps.queues)));
  } else {
    deps.logger.warn(refusal);
    app.use(BOARD_PATH, (_req, res) => {
      res.status(503).json(errorBody('board_disabled', refusal));
    });
  }
  // After the board, whose paths it never serves; it sets the upload page's policy on the page's own files only.
  app.use(createUiRouter());

  // No body parser here: upload bodies are streamed by the import handler, JSON bodies are parsed by the routes
  // that take one (src/http/middleware/json-body.ts), so no other route answers a body parser's 400/413/415.
  app.use('/v1', apiTokenAuth(deps.config.apiToken), redisGate(deps.redis));
  app.use('/v1/imports', createImportRouter(deps));
  app.use('/v1/exports', createExportRouter(deps));
  app.use('/v1/export-schedules', createExportScheduleRouter(deps));
  app.use('/v1/deletions', createDeletionRouter(deps));
  app.use('/v1/audits', createAuditRouter(deps));
  app.use('/v1/team-member-deprovisions', createDeprovisionRouter(deps));
  app.use('/v1', (req, _res, next) => {
    next(new AppError('not_found', `There is no route ${req.method} ${req.originalUrl}.`, 404));
  });
  app.use('/v1', redisErrors(deps.redis));

  app.use(errorHandler(deps.logger));
  return app;
}
