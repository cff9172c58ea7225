import type { ImportHandler } from './handler-types.ts';
import { findImport, presentImport } from './present-import.ts';

/** `GET /v1/imports/:id`. */
export const getImport: ImportHandler = async ({ store }, req) => {
  const record = await findImport(store, req.params.id);
  return { status: 200, body: presentImport(record) };
};
