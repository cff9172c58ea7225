import { createHash } from 'node:crypto';

/**
 * The one form emails are compared in: trimmed, lower-cased. Dedupe depends on every look-up, lock and registry
 * entry using exactly this function.
 */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A digest of the normalised email, for Redis key names: no address is ever stored in a key name. */
export function emailDigest(email: string): string {
  return createHash('sha256').update(normaliseEmail(email)).digest('hex');
}

/** A digest of the email exactly as written (trimmed only): tells two casings of one address apart without storing it. */
export function exactEmailDigest(email: string): string {
  return createHash('sha256').update(email.trim()).digest('hex');
}
