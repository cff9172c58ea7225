import type { ErrorRequestHandler } from 'express';
import { AppError, errorBody, type ErrorCode } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { httpErrorFields } from './http-error-fields.ts';

/** error.code of the body parser's other refusals: a body over the limit, a charset or encoding it cannot read. */
const BODY_PARSER_CODES: Partial<Record<number, ErrorCode>> = { 413: 'body_too_large', 415: 'unsupported_media_type' };

/** Maps AppError (and body-parser errors) to `{error: {code, message, details}}`; anything else is a 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (err instanceof AppError) {
      res.status(err.status).json(errorBody(err.code, err.message, err.details));
      return;
    }
    const fields = httpErrorFields(err);
    if (fields !== undefined && fields.status >= 400 && fields.status < 500) {
      const { status, type, message = '' } = fields;
      const code: ErrorCode = type === 'entity.parse.failed' ? 'invalid_json' : (BODY_PARSER_CODES[status] ?? 'bad_request');
      const text =
        type === 'entity.parse.failed'
          ? `The JSON body is not valid JSON: ${message}`
          : status === 415
            ? `${message}: send Content-Type: application/json with a UTF-8 body`
            : message;
      res.status(status).json(errorBody(code, text));
      return;
    }
    logger.error({ err, method: req.method, path: req.path }, 'request failed');
    res.status(500).json(errorBody('internal', 'Internal error; the server log has the details.'));
  };
}
