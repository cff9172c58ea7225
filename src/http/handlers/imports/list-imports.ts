import { AppError } from '../../../errors.ts';
import type { ImportHandler } from './handler-types.ts';
import { presentImport } from './present-import.ts';

/** `GET /v1/imports?limit=N` (1–100, default 20): the most recent imports, newest first. */
export const listImports: ImportHandler = async ({ store }, req) => {
  const raw = req.query.limit;
  const limit = raw === undefined ? 20 : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new AppError('invalid_option', 'limit must be an integer from 1 to 100.', 400);
  }
  const records = await store.list(limit);
  return { status: 200, body: { object: 'list', data: records.map(presentImport) } };
};
