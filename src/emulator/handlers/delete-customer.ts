import { noSuchCustomer } from '../api-error.ts';
import { customerJson, deletedCustomerJson } from '../customer-record.ts';
import type { Handler } from '../handler-types.ts';
import { validateParams } from '../param-validator.ts';

/** `DELETE /v1/customers/:id`. Deleting twice is "No such customer", as Stripe. */
export const deleteCustomer: Handler = ({ store, params, id, now, livemode }) => {
  validateParams(params, {});
  const record = store.get(id);
  if (record === undefined || record.deleted) throw noSuchCustomer(id);
  const last = customerJson(record);
  store.remove(record);
  store.events.record('customer.deleted', last, now, { livemode });
  return { status: 200, body: deletedCustomerJson(record.id) };
};
