import { noSuchObject } from '../api-error.ts';
import { accountJson } from '../account-record.ts';
import type { Handler } from '../handler-types.ts';
import { listWindow, type Cursor } from '../list-window.ts';
import type { ParamSpec } from '../param-validator.ts';
import { readListParams } from './list-customers.ts';

const str = (max: number): ParamSpec => ({ kind: 'string', max });

/** `created` is validated by readCreated, as for customers. */
const LIST_PARAMS: Record<string, ParamSpec> = {
  ending_before: str(5000),
  expand: { kind: 'array', items: str(5000) },
  limit: { kind: 'integer' },
  starting_after: str(5000),
};

/**
 * `GET /v1/accounts`: the platform's connected accounts, newest first, with the same `created` bounds and cursors
 * as the customers list (one list-window implementation for both).
 */
export const listAccounts: Handler = ({ accounts, params }) => {
  const { bounds, limit, after, before } = readListParams(params, LIST_PARAMS);
  let cursor: Cursor = { direction: 'none' };
  const cursorId = after ?? before;
  if (cursorId !== undefined) {
    const at = accounts.get(cursorId);
    if (at === undefined) throw noSuchObject('account', cursorId, after !== undefined ? 'starting_after' : 'ending_before');
    cursor = { direction: after !== undefined ? 'starting_after' : 'ending_before', created: at.created, seq: at.seq };
  }
  const page = listWindow(accounts, bounds, cursor, limit);
  return { status: 200, body: { object: 'list', data: page.data.map(accountJson), has_more: page.hasMore, url: '/v1/accounts' } };
};
