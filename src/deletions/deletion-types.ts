/**
 * Glossary of the deletion:
 * - deletion: one reviewed removal of customers, named `del_<random>`; it is also the BullMQ job id.
 * - source: what names the customers: an uploaded CSV (column `id` or `email`) or an import to undo.
 * - target: one row to consider: a customer id, or an email to match as imports match, numbered from 1.
 * - dry run: a deletion that deletes nothing and says what would happen; a real run must confirm a finished one.
 * - kept: a customer not deleted for a reason the results give (subscriptions, balance, payment method, changed).
 */

import type { z } from 'zod';
import type { deletionActionSchema, deletionCountsSchema, deletionRecordSchema, deletionSourceSchema, deletionStatusSchema } from './deletion-schema.ts';

export type DeletionStatus = z.output<typeof deletionStatusSchema>;
export type DeletionCounts = z.output<typeof deletionCountsSchema>;
export type DeletionRecord = z.output<typeof deletionRecordSchema>;
export type DeletionSource = z.output<typeof deletionSourceSchema>;
export type DeletionAction = z.output<typeof deletionActionSchema>;

/** The count fields, in the order the API sends them. */
export const DELETION_COUNT_FIELDS = ['total', 'processed', 'deleted', 'would_delete', 'kept', 'already_deleted', 'failed'] as const satisfies readonly (keyof DeletionCounts)[];

export function emptyDeletionCounts(): DeletionCounts {
  return { total: 0, processed: 0, deleted: 0, would_delete: 0, kept: 0, already_deleted: 0, failed: 0 };
}

/** The one result line of one target. */
export interface DeletionOutcome {
  row: number;
  email: string;
  action: DeletionAction;
  customerId: string;
  message: string;
}

/** The return value of the deletion job (shown by Bull Board). */
export interface DeletionSummary {
  deletion_id: string;
  status: DeletionStatus;
  counts: DeletionCounts;
  duration_ms: number;
  resumed: boolean;
}
