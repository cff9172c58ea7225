import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { AppDeps } from '../deps.ts';

/** What a handler sees of a request: never Express's `req` or `res` (handlers stay small and testable alone). */
export interface HandlerRequest {
  params: Record<string, string>;
  query: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  /** The parsed JSON of a `body: 'json'` route; undefined elsewhere. */
  body: unknown;
  /** The request itself, as a stream of body bytes: only a `body: 'stream'` route reads it (the upload). */
  stream: IncomingMessage;
}

/**
 * A download offered as an attachment and never cached: the bytes of a file on disk (up to byte `end`, inclusive)
 * or a short text. `length` sets Content-Length when it is known before the first byte.
 */
export type FileBody = { name: string; contentType: string; length?: number } & ({ path: string; end?: number } | { text: string });

/** A handler's answer. Errors are thrown as AppError and reach the app's error middleware. */
export type HandlerResult =
  /** JSON. */
  | { status: number; body: unknown; headers?: Record<string, string> }
  /** A download (results.csv, an export file). */
  | { status: number; file: FileBody }
  /** Any other streamed body, sent with `headers`. */
  | { status: number; stream: Readable; headers: Record<string, string> };

/** Every route of the API: `(deps, request) => result`. Guards compose by wrapping one Handler in another. */
export type Handler = (deps: AppDeps, req: HandlerRequest) => Promise<HandlerResult>;

/**
 * A handler behind a guard: it also gets what the guard found (e.g. the record named by the URL). One that only
 * presents the record answers synchronously; the guard is async either way.
 */
export type GuardedHandler<T> = (deps: AppDeps, req: HandlerRequest, found: T) => HandlerResult | Promise<HandlerResult>;

/** One line of a route table. */
export interface RouteSpec {
  method: 'get' | 'post' | 'delete';
  route: string;
  handler: Handler;
  /**
   * `json`: the route reads a JSON body (anything else is refused with 415 before the handler runs). `stream`: the
   * handler reads `req.stream` itself. Without it the body is never read.
   */
  body?: 'json' | 'stream';
}
