import { createHash } from 'node:crypto';
import { randomToken } from '../random-token.ts';

/** A new export id: `exp_` and 20 random letters and digits. */
export function newExportId(): string {
  return `exp_${randomToken(20)}`;
}

/** A new export schedule id: `exs_` and 16 random letters and digits. */
export function newScheduleId(): string {
  return `exs_${randomToken(16)}`;
}

/**
 * The export id of a run of a schedule, derived from its BullMQ job id (`repeat:<scheduler>:<millis>`), so a run
 * that is retried or resumed after a crash finds the record its first attempt created.
 */
export function exportIdForJob(jobId: string): string {
  return `exp_${createHash('sha256').update(jobId).digest('hex').slice(0, 20)}`;
}

/** True for strings shaped like our ids (guards Redis keys and paths built from URL parameters). */
export function isExportId(id: string): boolean {
  return /^exp_[A-Za-z0-9]{20}$/.test(id);
}

export function isScheduleId(id: string): boolean {
  return /^exs_[A-Za-z0-9]{16}$/.test(id);
}
