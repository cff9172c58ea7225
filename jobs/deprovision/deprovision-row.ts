import { UnrecoverableError } from 'bullmq';
import type { DeprovisionColumns } from '../../src/deprovisions/deprovision-input.ts';
import { API_KEY_WARNING } from '../../src/deprovisions/deprovision-schema.ts';
import type { DeprovisionRecord, DeprovisionStore } from '../../src/deprovisions/deprovision-store.ts';
import type { ScimClient } from '../../src/scim/scim-client.ts';
import { ScimRequestError } from '../../src/scim/scim-error.ts';
import type { ScimUser } from '../../src/scim/scim-types.ts';
import type { DeprovisionOutcome } from '../../src/deprovisions/deprovision-results.ts';

/** What deciding one row needs. */
export interface RowContext {
  record: DeprovisionRecord;
  store: DeprovisionStore;
  scim: ScimClient;
  columns: DeprovisionColumns;
  signal?: AbortSignal | undefined;
}

/** A SCIM string literal (RFC 7644 §3.4.2.2 uses JSON strings). */
const scimString = (value: string): string => JSON.stringify(value);

type Found = { user: ScimUser } | { outcome: Omit<DeprovisionOutcome, 'row' | 'email'> };

/** The user a row names: by id when the row has one, else the one user whose userName equals the email (any case). */
async function findUser(ctx: RowContext, email: string, id: string): Promise<Found> {
  if (id !== '') {
    const user = await ctx.scim.getUser(id, ctx.signal);
    return user === null ? { outcome: { action: 'not_found', userId: id, message: `no team member has the id ${id}` } } : { user };
  }
  const page = await ctx.scim.listUsers({ startIndex: 1, count: 2, filter: `userName eq ${scimString(email)}` }, ctx.signal);
  // userName is case-insensitive (RFC 7643 caseExact=false); a server that matched anything else is not trusted.
  const matches = page.Resources.filter((u) => u.userName.toLowerCase() === email.toLowerCase());
  if (page.totalResults > 1 || matches.length > 1) {
    const ids = page.Resources.map((u) => u.id).join(';');
    return { outcome: { action: 'ambiguous', userId: '', message: `${page.totalResults} team members have this userName (${ids}…): name one by id` } };
  }
  const [user] = matches;
  return user === undefined ? { outcome: { action: 'not_found', userId: '', message: 'no team member has this email as userName' } } : { user };
}

const cell = (cells: readonly string[], at: number | undefined): string => (at === undefined ? '' : (cells[at] ?? '').trim());

/**
 * Decides and carries out one row. A run that died after sending a row's PATCH finds the user inactive on resume:
 * the pending mark (set before the PATCH) tells it that this row deactivated them, so the row still says so.
 * SCIM failures are the row's (`failed`); anything else (Redis, disk) fails the attempt, which resumes here.
 */
export async function deprovisionRow(ctx: RowContext, row: number, cells: readonly string[]): Promise<DeprovisionOutcome> {
  const email = cell(cells, ctx.columns.email);
  const id = cell(cells, ctx.columns.id);
  const base = { row, email };
  if (email === '' && id === '') return { ...base, action: 'failed', userId: '', message: 'the row has neither an email nor an id' };
  try {
    const found = await findUser(ctx, email, id);
    if ('outcome' in found) return { ...base, ...found.outcome };
    const { user } = found;
    const named = { ...base, email: email || user.userName, userId: user.id };
    const pending = ctx.record.pending;
    if (user.active === false) {
      if (pending?.row === row && pending.userId === user.id) return { ...named, action: 'deactivated', message: `deactivated. ${API_KEY_WARNING}` };
      return { ...named, action: 'already_inactive', message: 'the team member was already inactive: nothing sent' };
    }
    if (ctx.record.dryRun) return { ...named, action: 'would_deactivate', message: `would be deactivated (dry run). ${API_KEY_WARNING}` };
    await ctx.store.markPending(ctx.record.id, row, user.id);
    const updated = await ctx.scim.deactivate(user.id, ctx.signal);
    if (updated === null) return { ...named, action: 'not_found', message: 'the team member disappeared before the PATCH' };
    return { ...named, action: 'deactivated', message: `deactivated. ${API_KEY_WARNING}` };
  } catch (err) {
    if (!(err instanceof ScimRequestError)) throw err;
    // A refused credential fails every row alike: the job stops, naming it, instead of sending one request per row.
    if (err.status === 401 || err.status === 403) throw new UnrecoverableError(`the SCIM endpoint refused STRIPE_SCIM_TOKEN: ${err.message}`);
    return { ...base, action: 'failed', userId: id, message: err.message };
  }
}
