import type { Request } from 'express';
import type { AppDeps } from '../../../deps.ts';
import type { ImportStore } from '../../../imports/import-store.ts';

/** What every import handler gets. */
export interface ImportHandlerContext {
  deps: AppDeps;
  store: ImportStore;
}

/** A JSON answer; handlers never touch `res` (the router sends it). */
export interface HandlerResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type ImportHandler = (ctx: ImportHandlerContext, req: Request) => Promise<HandlerResult>;
