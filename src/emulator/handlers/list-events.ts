import { invalidRequest, noSuchObject } from '../api-error.ts';
import type { Handler } from '../handler-types.ts';
import { validateParams, type ParamSpec } from '../param-validator.ts';
import { readListParams } from './list-customers.ts';

const str = (max: number): ParamSpec => ({ kind: 'string', max });

/** `created` is validated by readCreated, as for customers. */
const LIST_PARAMS: Record<string, ParamSpec> = {
  delivery_success: { kind: 'enum', values: ['true', 'false'] },
  ending_before: str(5000),
  expand: { kind: 'array', items: str(5000) },
  limit: { kind: 'integer' },
  starting_after: str(5000),
  type: str(5000),
  types: { kind: 'array', items: str(5000) },
};

/**
 * `GET /v1/events`: the account's customer events of the last 30 days, newest first; `type` or `types[]` filter
 * (Stripe refuses both at once), `created` bounds and cursors as every list.
 */
export const listEvents: Handler = ({ store, params }) => {
  const { valid, bounds, limit, after, before } = readListParams(params, LIST_PARAMS);
  const type = valid.type as string | undefined;
  const types = (valid.types as string[] | undefined) ?? [];
  if (type !== undefined && types.length > 0) {
    throw invalidRequest('You may only specify one of these parameters: type, types.', 'types', 'parameters_exclusive');
  }
  for (const [cursor, param] of [[after, 'starting_after'], [before, 'ending_before']] as const) {
    if (cursor !== undefined && store.events.get(cursor) === undefined) throw noSuchObject('event', cursor, param);
  }
  const page = store.events.list({
    types: new Set(type === undefined ? types : [type]),
    created: bounds,
    ...(after === undefined ? {} : { startingAfter: after }),
    ...(before === undefined ? {} : { endingBefore: before }),
    limit,
  });
  return { status: 200, body: { object: 'list', data: page.data, has_more: page.hasMore, url: '/v1/events' } };
};

/** `GET /v1/events/:id`. */
export const retrieveEvent: Handler = ({ store, params, id }) => {
  validateParams(params, { expand: { kind: 'array', items: str(5000) } });
  const event = store.events.get(id);
  if (event === undefined) throw noSuchObject('event', id, 'id', 404);
  return { status: 200, body: event };
};
