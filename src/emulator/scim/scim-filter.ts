import { scimInvalidFilter } from './scim-error.ts';

/** The one filter the emulator understands: `userName eq "…"` (RFC 7644 §3.4.2.2), compared case-insensitively. */
export interface UserNameFilter {
  userName: string;
}

// userName has caseExact=false (RFC 7643 §4.1.1), so the comparison is case-insensitive; attribute names and
// operators are case-insensitive in any filter (RFC 7644 §3.4.2.2).
const USER_NAME_EQ = /^\s*userName\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i;

/** Parses a filter; throws SCIM 400 invalidFilter for anything else. */
export function parseScimFilter(filter: string): UserNameFilter {
  const m = USER_NAME_EQ.exec(filter);
  if (m === null) throw scimInvalidFilter(`Unsupported filter: ${filter} (the emulator understands userName eq "…")`);
  const raw = m[1] ?? '';
  try {
    return { userName: JSON.parse(`"${raw}"`) as string };
  } catch {
    throw scimInvalidFilter(`Malformed string in filter: ${filter}`);
  }
}
