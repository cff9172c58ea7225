import { noSuchCustomer } from '../api-error.ts';
import { customerJson } from '../customer-record.ts';
import { applyCustomerParams, UPDATE_PARAMS } from '../customer-params.ts';
import { checkExpand, expandedCustomer, readExpand } from '../expand.ts';
import type { Handler } from '../handler-types.ts';
import { validateParams } from '../param-validator.ts';

/** `POST /v1/customers/:id`: fields given are replaced, metadata is merged; a deleted customer is "No such customer". */
export const updateCustomer: Handler = ({ store, params, id, now, livemode }) => {
  const record = store.get(id);
  if (record === undefined || record.deleted) throw noSuchCustomer(id);
  const valid = validateParams(params, UPDATE_PARAMS);
  const expand = readExpand(params);
  checkExpand(expand, 'customer');
  const fields = applyCustomerParams(record, valid);
  const before = customerJson(record);
  store.setEmail(record, fields.email);
  record.address = fields.address;
  record.balance = fields.balance;
  record.business_name = fields.business_name;
  record.description = fields.description;
  record.individual_name = fields.individual_name;
  record.invoice_prefix = fields.invoice_prefix;
  record.invoice_settings = fields.invoice_settings;
  record.metadata = fields.metadata;
  record.name = fields.name;
  record.next_invoice_sequence = fields.next_invoice_sequence;
  record.phone = fields.phone;
  record.preferred_locales = fields.preferred_locales;
  record.shipping = fields.shipping;
  record.tax_exempt = fields.tax_exempt;
  const after = customerJson(record);
  const previous = changedFields(before, after);
  if (previous !== null) store.events.record('customer.updated', after, now, { livemode, previous });
  return { status: 200, body: expandedCustomer(record, expand) };
};

/** The top-level fields that changed, with their values before (an event's `previous_attributes`); null if none. */
function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> | null {
  const previous: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) previous[key] = before[key] ?? null;
  }
  return Object.keys(previous).length === 0 ? null : previous;
}
