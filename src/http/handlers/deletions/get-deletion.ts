import type { Handler } from '../../handler-types.ts';
import { withDeletion } from './lookup.ts';
import { presentDeletion } from './present-deletion.ts';

/** `GET /v1/deletions/:id`. */
export const getDeletion: Handler = withDeletion((_deps, _req, record) => ({ status: 200, body: presentDeletion(record) }));
