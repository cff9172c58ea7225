import { invalidRequest, missingParameter } from '../api-error.ts';
import type { CustomerRecord } from '../customer-record.ts';
import { checkExpand, expandedCustomer, readExpand } from '../expand.ts';
import type { Handler } from '../handler-types.ts';
import { validateParams, type ParamSpec } from '../param-validator.ts';
import { compileQuery, parseSearchQuery } from '../search-query.ts';
import { readLimit } from './list-customers.ts';

const SEARCH_PARAMS: Record<string, ParamSpec> = {
  expand: { kind: 'array', items: { kind: 'string', max: 5000 } },
  limit: { kind: 'integer' },
  page: { kind: 'string', max: 5000 },
  query: { kind: 'string', max: 5000 },
};

/** The opaque `next_page` token: the (created, seq) of the last customer returned. */
function encodePage(record: CustomerRecord): string {
  return `page_${Buffer.from(`${record.created}:${record.seq}`).toString('base64url')}`;
}

function decodePage(token: string): { created: number; seq: number } {
  const m = /^page_([A-Za-z0-9_-]+)$/.exec(token);
  const parts = m ? Buffer.from(m[1] ?? '', 'base64url').toString().split(':') : [];
  const [created, seq] = parts.map(Number);
  if (parts.length !== 2 || !Number.isSafeInteger(created) || !Number.isSafeInteger(seq)) {
    throw invalidRequest(`Invalid page: ${token}`, 'page');
  }
  return { created: created as number, seq: seq as number };
}

/**
 * `GET /v1/customers/search`: newest first, over customers whose search-index lag has passed. It scans,
 * as Stripe's search is slow too, but stops after `limit + 1` matches; `expand[]=total_count` scans all.
 */
export const searchCustomers: Handler = ({ store, params, now }) => {
  const valid = validateParams(params, SEARCH_PARAMS);
  if (valid.query === undefined) throw missingParameter('query');
  const matches = compileQuery(parseSearchQuery(valid.query as string));
  const limit = readLimit(valid.limit as number | undefined);
  const expand = readExpand(params);
  checkExpand(expand, 'search');
  const live = store.liveAscending();
  const start = valid.page === undefined ? live.length : (() => {
    const p = decodePage(valid.page as string);
    return store.lowerBound(p.created, p.seq);
  })();
  const data: CustomerRecord[] = [];
  let hasMore = false;
  for (let i = start - 1; i >= 0; i -= 1) {
    const record = live[i] as CustomerRecord;
    if (record.searchableAt > now || !matches(record)) continue;
    if (data.length === limit) {
      hasMore = true;
      break;
    }
    data.push(record);
  }
  const last = data[data.length - 1];
  const body: Record<string, unknown> = {
    object: 'search_result',
    data: data.map((record) => expandedCustomer(record, expand)),
    has_more: hasMore,
    next_page: hasMore && last !== undefined ? encodePage(last) : null,
    url: '/v1/customers/search',
  };
  if (expand.includes('total_count')) {
    body.total_count = live.reduce((n, r) => n + (r.searchableAt <= now && matches(r) ? 1 : 0), 0);
  }
  return { status: 200, body };
};
