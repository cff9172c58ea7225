import { exportToJson } from '../../../exports/export-record.ts';
import type { Handler } from '../../handler-types.ts';
import { withExport } from './lookup.ts';

/** `GET /v1/exports/:id`: status and counts (updated after every page). */
export const getExport: Handler = withExport((_deps, _req, record) => ({ status: 200, body: exportToJson(record) }));
