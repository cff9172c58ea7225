import { invalidApiKey, missingApiKey } from './api-error.ts';

const DEFAULT_KEY_PATTERN = /^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/;

/** The key a request authenticated with; never logged, never put in an answer beyond its last four characters. */
export interface Authenticated {
  key: string;
  livemode: boolean;
}

/** Reads the key from `Authorization: Bearer <key>` or Basic auth with the key as user name (as curl -u key:). */
function readKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const [scheme, credentials = ''] = header.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'bearer') return credentials || undefined;
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const user = decoded.split(':')[0];
    return user || undefined;
  }
  return undefined;
}

/** Checks a request's key; throws the 401 ApiError Stripe would answer with. */
export function authenticate(header: string | undefined, accepted: readonly string[] | undefined): Authenticated {
  const key = readKey(header);
  if (key === undefined) throw missingApiKey();
  const ok = accepted === undefined ? DEFAULT_KEY_PATTERN.test(key) : accepted.includes(key);
  if (!ok) throw invalidApiKey(key);
  return { key, livemode: key.includes('_live_') };
}
