import type { ScimClient } from '../../../src/scim/scim-client.ts';
import type { ScimUser } from '../../../src/scim/scim-types.ts';
import type { WalkState } from './walk-checkpoint.ts';

/** SCIM's usual page size, and the emulator's largest. */
export const TEAM_MEMBER_PAGE_SIZE = 100;

/**
 * A list that keeps changing under the walk sends it back to the first page each time; past this many rewinds the
 * export fails with a message saying so, rather than walking forever.
 */
export const MAX_REWINDS = 50;

/** A walk that could not settle: the user list changed more than MAX_REWINDS times while it was read. */
export class ListKeptChangingError extends Error {
  constructor(rewinds: number) {
    super(`the team member list changed ${rewinds} times during the export (totalResults moved between pages); run it again when provisioning is quiet`);
    this.name = 'ListKeptChangingError';
  }
}

/** What one page of the walk did: the users not written before, and the state after it. */
export interface WalkStep {
  fresh: ScimUser[];
  state: WalkState;
  done: boolean;
}

/**
 * One page of an offset walk that writes every user present throughout exactly once. SCIM pages by position, so an
 * added user shifts the later ones down (a user seen twice: the id dedupe drops it) and a removed one shifts them up
 * (a user never seen: the page that would have held it was read before the shift). Two signs that the list moved
 * under the walk send it back to the first page, every id already written being skipped:
 * - the page's totalResults differs from the previous page's;
 * - the anchor moved: consecutive pages overlap by one user, so the last user of a page must open the next one; a
 *   different user there means the users before it shifted (even when as many were added as removed, which leaves
 *   totalResults as it was).
 * A user present throughout is then in some page of the last pass, which met neither sign. This assumes the server
 * keeps its order between requests (the emulator's and, in practice, creation order).
 */
export async function walkStep(
  scim: ScimClient,
  state: WalkState,
  written: ReadonlySet<string>,
  opts: { filter?: string | undefined; pageSize?: number; signal?: AbortSignal | undefined },
): Promise<WalkStep> {
  const count = opts.pageSize ?? TEAM_MEMBER_PAGE_SIZE;
  const page = await scim.listUsers({ startIndex: state.start, count, filter: opts.filter }, opts.signal);
  const seen = new Set<string>();
  const fresh = page.Resources.filter((u) => {
    if (written.has(u.id) || seen.has(u.id)) return false;
    seen.add(u.id);
    return true;
  });
  const base = { ...state, pages: state.pages + 1, lastTotal: page.totalResults };
  const totalChanged = state.lastTotal !== null && page.totalResults !== state.lastTotal;
  const anchorMoved = state.anchor !== null && page.Resources[0]?.id !== state.anchor;
  if (state.start > 1 && (totalChanged || anchorMoved)) {
    if (state.rewinds + 1 > MAX_REWINDS) throw new ListKeptChangingError(state.rewinds + 1);
    return { fresh, state: { ...base, start: 1, anchor: null, rewinds: state.rewinds + 1 }, done: false };
  }
  const n = page.Resources.length;
  const done = n === 0 || state.start - 1 + n >= page.totalResults;
  // The next page starts on this page's last user (the anchor), unless the page is too short to overlap.
  const last = n >= 2 ? page.Resources[n - 1] : undefined;
  return { fresh, state: { ...base, start: state.start + (last === undefined ? n : n - 1), anchor: last?.id ?? null }, done };
}
