import { exportToJson } from '../../../exports/export-record.ts';
import type { Handler } from '../../handler-types.ts';
import { requireExport } from './lookup.ts';

/** `GET /v1/exports/:id`: status and counts (updated after every page). */
export const getExport: Handler = async (deps, req) => {
  const record = await requireExport(deps, req.params.id);
  return { status: 200, body: exportToJson(record) };
};
