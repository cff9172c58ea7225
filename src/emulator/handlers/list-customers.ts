import { invalidParameter, invalidRequest, noSuchCustomer, noSuchObject } from '../api-error.ts';
import { checkExpand, expandedCustomer, readExpand } from '../expand.ts';
import { isFormObject, type FormObject, type FormValue } from '../form-decode.ts';
import type { Handler } from '../handler-types.ts';
import { arrayView, listWindow, type CreatedBounds, type Cursor } from '../list-window.ts';
import { validateParams, type ParamSpec } from '../param-validator.ts';

const str = (max: number): ParamSpec => ({ kind: 'string', max });

/** `created` is validated by hand: Stripe's schema is anyOf integer | {gt, gte, lt, lte}. */
const LIST_PARAMS: Record<string, ParamSpec> = {
  email: str(512),
  ending_before: str(5000),
  expand: { kind: 'array', items: str(5000) },
  limit: { kind: 'integer' },
  starting_after: str(5000),
  test_clock: str(5000),
};

const CREATED_PARAMS: Record<string, ParamSpec> = {
  gt: { kind: 'integer' },
  gte: { kind: 'integer' },
  lt: { kind: 'integer' },
  lte: { kind: 'integer' },
};

/** Reads `limit` (default 10) and enforces Stripe's 1..100. */
export function readLimit(value: number | undefined): number {
  if (value === undefined) return 10;
  if (value < 1 || value > 100) {
    throw invalidParameter('limit', `Invalid limit: must be between 1 and 100 (got ${value})`);
  }
  return value;
}

/** Turns `created=N` or `created[gt|gte|lt|lte]=N` into inclusive bounds. */
export function readCreated(value: FormValue | undefined): CreatedBounds {
  const bounds = { min: Number.NEGATIVE_INFINITY, max: Number.POSITIVE_INFINITY };
  if (value === undefined) return bounds;
  if (!isFormObject(value)) {
    const { created } = validateParams(Object.assign(Object.create(null) as FormObject, { created: value }), {
      created: { kind: 'integer' },
    });
    return { min: created as number, max: created as number };
  }
  const range = validateParams(value, CREATED_PARAMS) as Partial<Record<'gt' | 'gte' | 'lt' | 'lte', number>>;
  if (range.gt !== undefined) bounds.min = Math.max(bounds.min, range.gt + 1);
  if (range.gte !== undefined) bounds.min = Math.max(bounds.min, range.gte);
  if (range.lt !== undefined) bounds.max = Math.min(bounds.max, range.lt - 1);
  if (range.lte !== undefined) bounds.max = Math.min(bounds.max, range.lte);
  return bounds;
}

/** What every list endpoint reads the same way: its other parameters validated, `created`, `limit` and one cursor. */
export interface ListParams {
  valid: Record<string, unknown>;
  bounds: CreatedBounds;
  limit: number;
  after: string | undefined;
  before: string | undefined;
}

/**
 * Validates a list request: `created` by readCreated, the rest against `spec`, `limit` within 1-100, and at most one
 * of `starting_after` and `ending_before` (Stripe's `parameters_exclusive`).
 */
export function readListParams(params: FormObject, spec: Record<string, ParamSpec>): ListParams {
  const { created, ...rest } = params;
  const valid = validateParams(Object.assign(Object.create(null) as FormObject, rest), spec);
  const bounds = readCreated(created);
  const limit = readLimit(valid.limit as number | undefined);
  const after = valid.starting_after as string | undefined;
  const before = valid.ending_before as string | undefined;
  if (after !== undefined && before !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: ending_before, starting_after.', 'ending_before', 'parameters_exclusive');
  }
  return { valid, bounds, limit, after, before };
}

/**
 * `GET /v1/customers`: newest first; `email` is an exact, case-sensitive match (a Stripe quirk that makes
 * `Jane@x.com` and `jane@x.com` different customers); deleted customers never appear.
 */
export const listCustomers: Handler = ({ store, params }) => {
  const { valid, bounds, limit, after, before } = readListParams(params, LIST_PARAMS);
  const expand = readExpand(params);
  checkExpand(expand, 'list');
  // The emulator has no test clocks: any id names a missing one (a filter that matched nothing would hide that).
  const clock = valid.test_clock as string | undefined;
  if (clock !== undefined && clock !== '') throw noSuchObject('test clock', clock, 'test_clock', 404);
  let cursor: Cursor = { direction: 'none' };
  const cursorId = after ?? before;
  if (cursorId !== undefined) {
    const at = store.get(cursorId);
    if (at === undefined) throw noSuchCustomer(cursorId, after !== undefined ? 'starting_after' : 'ending_before', 400);
    cursor = { direction: after !== undefined ? 'starting_after' : 'ending_before', created: at.created, seq: at.seq };
  }
  const email = valid.email as string | undefined;
  const view = email === undefined ? store : arrayView(store.withEmail(email));
  const page = listWindow(view, bounds, cursor, limit);
  return {
    status: 200,
    body: {
      object: 'list',
      data: page.data.map((record) => expandedCustomer(record, expand)),
      has_more: page.hasMore,
      url: '/v1/customers',
    },
  };
};
