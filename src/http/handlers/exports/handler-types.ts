import type { AppDeps } from '../../../deps.ts';

/** What a handler sees of a request: never `req` or `res` themselves (handlers stay testable and small). */
export interface HandlerRequest {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
}

/** A file to stream as the response body. */
export interface FileBody {
  path: string;
  /** The download name (Content-Disposition). */
  name: string;
  contentType: string;
  bytes: number;
}

/** A handler's answer: JSON, or a file the router streams. Errors are thrown as AppError. */
export type HandlerResult = { status: number; body: unknown } | { status: number; file: FileBody };

export type Handler = (deps: AppDeps, req: HandlerRequest) => Promise<HandlerResult>;

/** One line of a route table. */
export interface RouteSpec {
  method: 'get' | 'post' | 'delete';
  route: string;
  handler: Handler;
  /** The route reads a JSON body: anything else is refused with 415 before the handler runs. */
  body?: 'json';
}
