import { randomToken } from '../random-token.ts';

/** A new audit id: `aud_` and 20 random letters and digits (the export's id style). */
export function newAuditId(): string {
  return `aud_${randomToken(20)}`;
}

/** True for strings shaped like our ids (guards Redis keys and paths built from URL parameters). */
export function isAuditId(id: string): boolean {
  return /^aud_[A-Za-z0-9]{20}$/.test(id);
}
