import { randomBytes } from 'node:crypto';

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `length` random letters and digits: the tail of our import, export and schedule ids. */
export function randomToken(length: number): string {
  let out = '';
  // 62 does not divide 256: the slight bias toward the first letters is harmless for ids that are not secrets.
  for (const byte of randomBytes(length)) out += ALPHANUMERIC.charAt(byte % ALPHANUMERIC.length);
  return out;
}
