import { noSuchCustomer } from '../api-error.ts';
import { deletedCustomerJson } from '../customer-record.ts';
import { checkExpand, expandedCustomer, readExpand } from '../expand.ts';
import type { Handler } from '../handler-types.ts';
import { validateParams, type ParamSpec } from '../param-validator.ts';

const RETRIEVE_PARAMS: Record<string, ParamSpec> = { expand: { kind: 'array', items: { kind: 'string', max: 5000 } } };

/** `GET /v1/customers/:id`: a deleted customer still answers 200 with `{id, object, deleted: true}`. */
export const retrieveCustomer: Handler = ({ store, params, id }) => {
  validateParams(params, RETRIEVE_PARAMS);
  const expand = readExpand(params);
  checkExpand(expand, 'customer');
  const record = store.get(id);
  if (record === undefined) throw noSuchCustomer(id);
  if (record.deleted) return { status: 200, body: deletedCustomerJson(record.id) };
  return { status: 200, body: expandedCustomer(record, expand) };
};
