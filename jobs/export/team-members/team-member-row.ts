import { neutraliseFormula } from '../../../src/csv/formula.ts';
import type { ScimUser } from '../../../src/scim/scim-types.ts';
import { encodeCsvLine } from '../csv-line.ts';

/** The columns of a team_members export, in file order. */
export const TEAM_MEMBER_COLUMNS = [
  'id',
  'userName',
  'active',
  'name.givenName',
  'name.familyName',
  'emails',
  'meta.created',
  'meta.lastModified',
] as const;

/** The emails of a user, primary first (then in the server's order), `;`-joined. */
export function joinEmails(user: ScimUser): string {
  const emails = user.emails ?? [];
  const primary = emails.filter((e) => e.primary === true);
  const others = emails.filter((e) => e.primary !== true);
  return [...primary, ...others].map((e) => e.value).join(';');
}

/** One CSV line of a user; cells a spreadsheet would evaluate are guarded as in the Customers export. */
export function teamMemberLine(user: ScimUser): string {
  const cells = [
    user.id,
    user.userName,
    user.active === undefined ? '' : String(user.active),
    user.name?.givenName ?? '',
    user.name?.familyName ?? '',
    joinEmails(user),
    user.meta?.created ?? '',
    user.meta?.lastModified ?? '',
  ];
  return encodeCsvLine(cells.map(neutraliseFormula));
}

export const TEAM_MEMBER_HEADER = encodeCsvLine([...TEAM_MEMBER_COLUMNS]);
