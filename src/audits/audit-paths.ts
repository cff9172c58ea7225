import { join } from 'node:path';

/** Where an audit keeps its file: `${dataDir}/audits/<id>/`. */
export function auditDir(dataDir: string, auditId: string): string {
  return join(dataDir, 'audits', auditId);
}

/** The download name: `duplicate-emails-<audit id>.csv`. */
export function auditFileName(auditId: string): string {
  return `duplicate-emails-${auditId}.csv`;
}
