import type { ErrorBody } from './error-body.ts';

/**
 * Every `error.code` the HTTP API can answer, in one place: the error middleware, the board's stand-ins and every
 * AppError use these, and `/openapi.json` lists them (the `Error` schema's enum). The wire codes stay short
 * snake_case, because clients (the CLI, the upload page, scripts) branch on them; the namespace is the `stripe-bulk:`
 * prefix of `AppError.id`, as BullMQ names its errors (`bullmq:unrecoverable`) and as the CLI's own classes do
 * (`stripe-bulk:api`). The status is the usual one; a throw may give another (e.g. `bad_request` for any 4xx of the
 * body parser).
 */
export const ERROR_CODES = {
  invalid_request: { status: 400, description: 'A bad option, query parameter or body field; details.problems lists them' },
  invalid_json: { status: 400, description: 'The JSON body does not parse' },
  bad_request: { status: 400, description: 'The body parser refused the request for another reason' },
  bad_multipart: { status: 400, description: 'The multipart body cannot be read' },
  missing_file: { status: 400, description: 'The multipart body has no `file` part' },
  multiple_files: { status: 400, description: 'The multipart body holds more than one file part' },
  unexpected_file: { status: 400, description: 'A file part under another name than `file`' },
  upload_interrupted: { status: 400, description: 'The connection closed before the upload was complete' },
  not_csv: { status: 400, description: 'The file is not CSV text' },
  not_utf8: { status: 400, description: 'The file is not UTF-8' },
  empty_header: { status: 400, description: 'The file is empty or its first line is blank' },
  invalid_header: { status: 400, description: 'The CSV header names unknown or repeated columns' },
  missing_column: { status: 400, description: 'A deletion CSV has neither an `id` nor an `email` column' },
  confirm_required: { status: 400, description: 'A deletion that is not a dry run needs `confirm`: the id of its finished dry run' },
  nothing_to_delete: { status: 400, description: 'The import to undo created no customer' },
  unauthorized: { status: 401, description: 'The API token (or the board password) is missing or wrong' },
  not_found: { status: 404, description: 'No such import, export, schedule, deletion or route' },
  import_finished: { status: 409, description: 'The import already completed or failed' },
  deletion_finished: { status: 409, description: 'The deletion already completed or failed' },
  confirm_mismatch: { status: 409, description: '`confirm` names no finished dry run of the same source' },
  import_not_undoable: { status: 409, description: 'The import to undo is still queued or running, or was already undone' },
  deprovision_finished: { status: 409, description: 'The team member deprovision already completed or failed' },
  export_finished: { status: 409, description: 'The export already finished' },
  export_not_ready: { status: 409, description: 'The export file is not complete yet' },
  export_expired: { status: 410, description: 'Retention deleted the export file' },
  audit_finished: { status: 409, description: 'The audit already finished' },
  audit_not_ready: { status: 409, description: 'The audit file is not complete yet' },
  body_too_large: { status: 413, description: 'The JSON body is over the limit' },
  upload_too_large: { status: 413, description: 'The upload is larger than UPLOAD_MAX_BYTES' },
  unsupported_media_type: { status: 415, description: 'The body has a media type or charset the route does not read' },
  internal: { status: 500, description: 'An unexpected failure; the server log has the details' },
  board_disabled: { status: 503, description: 'Bull Board is not configured' },
  redis_unavailable: { status: 503, description: 'Redis at REDIS_URL cannot be reached' },
  insufficient_storage: { status: 507, description: 'DATA_DIR cannot store the upload' },
} as const satisfies Record<string, { status: number; description: string }>;

/** One of the codes of ERROR_CODES: the compiler refuses an error code that is not listed. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The namespace of stripe-bulk's error ids, as BullMQ prefixes its own (`bullmq:…`). */
export const ERROR_NAMESPACE = 'stripe-bulk';

/** An error the HTTP layer can answer with: a listed code, an HTTP status and a message that says what to fix. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number = ERROR_CODES[code].status,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  /** The namespaced id for logs and in-process checks (`stripe-bulk:not_found`); clients see `code`. */
  get id(): `${typeof ERROR_NAMESPACE}:${ErrorCode}` {
    return `${ERROR_NAMESPACE}:${this.code}`;
  }
}

/** The one 404 for a thing named by the URL that does not exist (or whose id is not shaped like one). */
export const notFound = (what: string, id: string): AppError => new AppError('not_found', `${what} ${id} does not exist.`, 404);

/** The JSON body of every error answer: `{error: {code, message, details?}}` (`errorBodySchema`). */
export function errorBody(code: ErrorCode, message: string, details?: Record<string, unknown>): ErrorBody {
  return { error: { code, message, details } };
}
