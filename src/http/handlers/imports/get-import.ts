import type { Handler } from '../../handler-types.ts';
import { withImport } from './lookup.ts';
import { presentImport } from './present-import.ts';

/** `GET /v1/imports/:id`. */
export const getImport: Handler = withImport((_deps, _req, record) => ({ status: 200, body: presentImport(record) }));
