import { applyCustomerParams, CREATE_PARAMS } from '../customer-params.ts';
import { customerJson, defaultFields, makeRecord, newCustomerId } from '../customer-record.ts';
import { checkExpand, expandedCustomer, readExpand } from '../expand.ts';
import type { Handler } from '../handler-types.ts';
import { validateParams } from '../param-validator.ts';

/** `POST /v1/customers`. */
export const createCustomer: Handler = ({ store, options, params, livemode, now }) => {
  const valid = validateParams(params, CREATE_PARAMS);
  const expand = readExpand(params);
  checkExpand(expand, 'customer');
  const fields = applyCustomerParams(defaultFields(), valid);
  let id = newCustomerId();
  while (store.has(id)) id = newCustomerId();
  const record = makeRecord(fields, {
    id,
    created: Math.floor(now / 1000),
    seq: store.nextSeq(),
    livemode,
    searchableAt: now + options.searchLagMs,
  });
  store.add(record);
  store.events.record('customer.created', customerJson(record), now, { livemode });
  return { status: 200, body: expandedCustomer(record, expand) };
};
