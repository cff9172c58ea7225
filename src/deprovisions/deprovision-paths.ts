import { join } from 'node:path';
import { randomToken } from '../random-token.ts';

const DEPROVISION_ID_PATTERN = /^dep_[A-Za-z0-9]{16}$/;

/** A new deprovision id, `dep_` + 16 random alphanumerics (also the BullMQ job id). */
export function newDeprovisionId(): string {
  return `dep_${randomToken(16)}`;
}

/** True for strings shaped like a deprovision id, so a path or key built from one stays ours. */
export function isDeprovisionId(value: string): boolean {
  return DEPROVISION_ID_PATTERN.test(value);
}

export function deprovisionDir(dataDir: string, id: string): string {
  return join(dataDir, 'deprovisions', id);
}

export function deprovisionInputPath(dataDir: string, id: string): string {
  return join(deprovisionDir(dataDir, id), 'input.csv');
}

export function deprovisionResultsPath(dataDir: string, id: string): string {
  return join(deprovisionDir(dataDir, id), 'results.csv');
}
