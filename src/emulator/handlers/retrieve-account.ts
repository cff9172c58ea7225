import { noSuchObject } from '../api-error.ts';
import { accountJson } from '../account-record.ts';
import type { Handler } from '../handler-types.ts';
import { validateParams, type ParamSpec } from '../param-validator.ts';

const RETRIEVE_PARAMS: Record<string, ParamSpec> = { expand: { kind: 'array', items: { kind: 'string', max: 5000 } } };

/** `GET /v1/accounts/:id`. */
export const retrieveAccount: Handler = ({ accounts, params, id }) => {
  validateParams(params, RETRIEVE_PARAMS);
  const record = accounts.get(id);
  if (record === undefined) throw noSuchObject('account', id, 'account', 404);
  return { status: 200, body: accountJson(record) };
};
