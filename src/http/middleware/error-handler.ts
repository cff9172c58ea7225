import type { ErrorRequestHandler } from 'express';
import { AppError, errorBody, type ErrorCode } from '../../errors.ts';
import type { Logger } from '../../logger.ts';

/** error.code of the body parser's other refusals: a body over the limit, a charset or encoding it cannot read. */
const BODY_PARSER_CODES: Partial<Record<number, ErrorCode>> = { 413: 'body_too_large', 415: 'unsupported_media_type' };

/** Maps AppError (and body-parser errors) to `{error: {code, message, details}}`; anything else is a 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof AppError) {
      res.status(err.status).json(errorBody(err.code, err.message, err.details));
      return;
    }
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status < 500) {
      const code: ErrorCode = err.type === 'entity.parse.failed' ? 'invalid_json' : (BODY_PARSER_CODES[status] ?? 'bad_request');
      const message =
        err.type === 'entity.parse.failed'
          ? `The JSON body is not valid JSON: ${err.message}`
          : status === 415
            ? `${err.message}: send Content-Type: application/json with a UTF-8 body`
            : err.message;
      res.status(status).json(errorBody(code, message));
      return;
    }
    logger.error({ err, method: req.method, path: req.path }, 'request failed');
    res.status(500).json(errorBody('internal', 'Internal error; the server log has the details.'));
  };
}
