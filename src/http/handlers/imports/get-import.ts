import type { Handler } from '../../handler-types.ts';
import { requireImport } from './lookup.ts';
import { presentImport } from './present-import.ts';

/** `GET /v1/imports/:id`. */
export const getImport: Handler = async (deps, req) => {
  const record = await requireImport(deps, req.params.id);
  return { status: 200, body: presentImport(record) };
};
