import type { AppDeps } from '../deps.ts';
import { notFound } from '../errors.ts';
import type { GuardedHandler, Handler } from './handler-types.ts';

/**
 * A guard for routes with an `:id`: the record it names is handed to the handler, or the request answers 404.
 * Ids of the wrong shape never reach Redis.
 */
export function recordGuard<T>(
  what: string,
  isId: (id: string) => boolean,
  load: (deps: AppDeps, id: string) => Promise<T | null>,
): (handler: GuardedHandler<T>) => Handler {
  return (handler) => async (deps, req) => {
    const id = req.params.id;
    const record = id !== undefined && isId(id) ? await load(deps, id) : null;
    if (record === null) throw notFound(what, id ?? '');
    return handler(deps, req, record);
  };
}
