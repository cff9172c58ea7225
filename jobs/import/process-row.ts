import type Stripe from 'stripe';
import { diffCustomer, parseCustomerRow, toCreateParams, type CustomerInput, type ImportHeader } from '../../src/csv/index.ts';
import type { CreatedEmails } from './created-emails.ts';
import { EmailLockTimeoutError, type EmailLocks } from './email-lock.ts';
import type { ImportMode, RowAction, RowOutcome } from '../../src/imports/import-types.ts';
import type { CustomerGateway } from '../../src/stripe/customer-gateway.ts';
import { UnrecoverableError } from 'bullmq';
import { describeStripeError, isAccountInvalid } from '../../src/stripe/stripe-errors.ts';
import type { CrashHook } from './crash-points.ts';
import { emailDigest, normaliseEmail } from '../../src/imports/normalise-email.ts';
import { findCustomersByEmail, type EmailMatches } from './find-customers.ts';
import type { RowPermit } from './row-permits.ts';
import { answerFromIndex, type ScanIndex } from './scan-index.ts';
import type { AuditGroups } from '../audit/publish-groups.ts';

/** What processing one row needs; shared by every row of one run. */
export interface RowContext {
  importId: string;
  mode: ImportMode;
  dryRun: boolean;
  header: ImportHeader;
  gateway: CustomerGateway;
  /** Email locks; in create mode a row hands what it learnt to the next row of this run waiting for the email. */
  locks: EmailLocks<EmailKnowledge>;
  registry: CreatedEmails;
  /** Test-only crash points (a no-op in production). */
  crash: CrashHook;
  /** Asks Redis whether the import was cancelled; called before every write. */
  isCancelled(): Promise<boolean>;
  /** Aborted on worker shutdown or cancel: waits and retries stop. */
  signal: AbortSignal;
  /** dedupe=scan: the account's email index, walked before the first row, and its events. */
  scan?: ScanIndex;
  /** Upsert: the latest completed audit's duplicate groups; a row whose email is in one is skipped as ambiguous. */
  auditGroups?: AuditGroups;
}

/**
 * What a row holding an email's lock knows when it lets go: every customer the email matches (the one it created
 * included). Handed over with the lock inside the process, so no other process can have written the email since.
 */
export interface EmailKnowledge {
  matches: EmailMatches;
  /** The casings whose look-up it reflects; 'any' when a customer stripe-bulk created answers for every casing. */
  casings: ReadonlySet<string> | 'any';
}

function knowledgeOf(matches: EmailMatches): EmailKnowledge {
  return { matches, casings: matches.lookedUp.length === 0 || matches.creators.size > 0 ? 'any' : new Set(matches.lookedUp) };
}

/** The matches handed over with the lock, when they answer this row's look-ups (create mode: one match suffices). */
function handedOverFor(note: EmailKnowledge | undefined, email: string): EmailMatches | undefined {
  if (note === undefined) return undefined;
  if (note.casings === 'any') return note.matches;
  const { casings } = note;
  return casings.has(email.trim()) && casings.has(normaliseEmail(email)) ? note.matches : undefined;
}

/** A row stopped by shutdown before it finished: it gets no line now and is redone when the job resumes. */
export const ROW_ABORTED = Symbol('row-aborted');

const CANCELLED_MESSAGE = 'not written: the import was cancelled';
const MAX_IDS_IN_MESSAGE = 5;

const fieldsOf = (params: Stripe.CustomerUpdateParams): string => Object.keys(params).sort().join(', ');

function emailCell(header: ImportHeader, cells: string[]): string {
  const column = header.columns.find((c) => c.header === 'email');
  return column ? (cells[column.index] ?? '').trim() : '';
}

/**
 * Processes one row while holding `permit` (parked while it waits for an email lock; the caller calls done()).
 * Never throws but for a connected account Stripe refuses (every row would fail alike: the import stops instead);
 * every other problem is the row's outcome.
 */
export async function processRow(
  ctx: RowContext,
  permit: RowPermit,
  row: number,
  cells: string[],
): Promise<RowOutcome | typeof ROW_ABORTED> {
  const parsed = parseCustomerRow(ctx.header, cells);
  const email = parsed.ok ? (parsed.input.email ?? '') : emailCell(ctx.header, cells);
  const outcome = (action: RowAction, customerId = '', message = ''): RowOutcome => ({ row, email, action, customerId, message });
  if (!parsed.ok) return outcome('failed', '', parsed.errors.join('; '));
  try {
    return parsed.input.id ? await byId(ctx, parsed.input, parsed.input.id, outcome, row) : await byEmail(ctx, permit, parsed.input, email, outcome, row);
  } catch (err) {
    if (ctx.signal.aborted) return ROW_ABORTED;
    if (err instanceof EmailLockTimeoutError) return outcome('failed', '', err.message);
    if (isAccountInvalid(err)) throw new UnrecoverableError(`Stripe refuses the connected account: ${describeStripeError(err)}`);
    return outcome('failed', '', describeStripeError(err));
  }
}

type Outcome = (action: RowAction, customerId?: string, message?: string) => RowOutcome;

/** Upsert of one existing customer: only the differing fields, or no request at all. */
async function upsertExisting(ctx: RowContext, customer: Stripe.Customer, input: CustomerInput, outcome: Outcome, row: number) {
  const diff = diffCustomer(customer, input);
  if (diff === null) return outcome('unchanged', customer.id);
  if (ctx.dryRun) return outcome('would_update', customer.id, `would change ${fieldsOf(diff)}`);
  if (await ctx.isCancelled()) return outcome('skipped', customer.id, CANCELLED_MESSAGE);
  await ctx.gateway.update(customer.id, diff, `${ctx.importId}:${row}:update`, ctx.signal);
  return outcome('updated', customer.id, `changed ${fieldsOf(diff)}`);
}

/**
 * A row with an id never creates (Stripe assigns ids). Upsert: update that customer. Create mode: the customer
 * exists → skipped; missing or deleted → failed, saying so.
 */
async function byId(ctx: RowContext, input: CustomerInput, id: string, outcome: Outcome, row: number) {
  const customer = await ctx.gateway.retrieve(id, ctx.signal);
  if (customer === null) return outcome('failed', id, `no such customer: ${id}`);
  if (customer.deleted) return outcome('failed', id, `customer ${id} is deleted`);
  if (ctx.mode === 'create') return outcome('skipped', id, `exists: ${id} (mode=create never updates; use mode=upsert)`);
  return upsertExisting(ctx, customer, input, outcome, row);
}

/** The Idempotency-Key of a row's create: the same on a retry, a resumed run, or a replay by another row. */
const createKey = (ctx: RowContext, row: number) => `${ctx.importId}:${row}`;

async function byEmail(ctx: RowContext, permit: RowPermit, input: CustomerInput, email: string, outcome: Outcome, row: number) {
  if (ctx.scan !== undefined && ctx.mode === 'create' && !ctx.dryRun) {
    // Nothing is created on this path, so no lock: the index alone answers, without a read.
    const known = await answerFromIndex(ctx.scan, ctx.registry, email);
    if (known !== null && !known.onlyByScan) return outcome('skipped', known.id, `exists: ${known.id}`);
    if (known !== null) return { ...outcome('skipped', known.id, `exists: ${known.id}; matched only by dedupe=scan (stored with other capitals)`), byScan: true };
  }
  const ownKey = createKey(ctx, row);
  const find = (resolvePending: boolean) =>
    findCustomersByEmail(ctx.gateway, ctx.registry, email, {
      signal: ctx.signal,
      resolvePending,
      // A live import is bound by the read budget: the registry first saves look-ups. A dry run is not (no writes,
      // no locks): it keeps the registry read beside the look-ups rather than before them.
      oneSuffices: ctx.mode === 'create' && !ctx.dryRun,
      onLookup: () => ctx.crash('after-lookup', row),
      ...(ctx.scan === undefined ? {} : { scan: ctx.scan.index }),
    });
  let found: EmailMatches;
  if (ctx.dryRun) {
    found = await find(false);
    if (found.customers.length === 0) return outcome('would_create');
  } else {
    // From look-up to create no other row of any import may create this email: the second one then finds ours.
    const lock = await ctx.locks.acquire(email, { signal: ctx.signal, onWait: () => permit.park() });
    // Only create mode hands over: its rows write nothing after letting go, so what was found stays true.
    let note: EmailKnowledge | undefined;
    try {
      ctx.crash('after-lock', row);
      await permit.unpark();
      found = (ctx.mode === 'create' ? handedOverFor(lock.handedOver, email) : undefined) ?? (await find(true));
      ctx.crash('after-find', row);
      if (found.customers.length === 0) {
        if (await ctx.isCancelled()) return outcome('skipped', '', CANCELLED_MESSAGE);
        if (lock.lost) return outcome('failed', '', 'the lock on this email expired before the create; retry the row');
        const params = toCreateParams(input);
        const normalised = normaliseEmail(email);
        // Durable before the request leaves: whoever holds this email next finds the create, even if we die now.
        await ctx.registry.announce(normalised, { key: ownKey, email: params.email ?? email, params, at: Date.now() });
        ctx.crash('after-intent', row);
        // The same key on a retry, a resumed run or a replay: Stripe answers the first create again instead of a second one.
        const { customer, replayed } = await ctx.gateway.create(params, ownKey, ctx.signal);
        ctx.crash('after-create', row);
        await ctx.registry.settle(normalised, ownKey, customer.id);
        ctx.crash('after-settle', row);
        if (ctx.mode === 'create') note = knowledgeOf({ customers: [customer], creators: new Map([[customer.id, ownKey]]), lookedUp: [] });
        return outcome('created', customer.id, replayed ? 'created by an earlier attempt (idempotent replay)' : '');
      }
      if (ctx.mode === 'create') note = knowledgeOf(found);
    } finally {
      // Not awaited: the row's outcome is settled and nothing it did depends on Redis's answer. A release that fails
      // leaves the lock to expire within its TTL, as after a crash, rather than failing a row whose customer exists.
      void lock.release(note).catch(() => undefined);
    }
  }
  // A resumed row (or a row whose create another row replayed) recognises its own customer by its key.
  const own = found.customers.find((c) => found.creators.get(c.id) === ownKey);
  if (own && !ctx.dryRun) return outcome('created', own.id, 'created by an earlier attempt (resumed)');
  return answerExisting(ctx, found, input, email, outcome, row);
}

/** A row whose email matches existing customers: ambiguous, exists (create mode) or the upsert of the one match. */
async function answerExisting(ctx: RowContext, found: EmailMatches, input: CustomerInput, email: string, outcome: Outcome, row: number) {
  const stored = ctx.scan === undefined ? undefined : foundOnlyByScan(found, email);
  const matched: Outcome =
    stored === undefined
      ? outcome
      : (action, id, message = '') => ({
          ...outcome(action, id, [message, `matched only by dedupe=scan (stored as ${stored})`].filter(Boolean).join('; ')),
          byScan: true,
        });
  if (found.customers.length > 1) {
    const ids = found.customers.map((c) => c.id).sort();
    const shown = ids.slice(0, MAX_IDS_IN_MESSAGE).join(', ') + (ids.length > MAX_IDS_IN_MESSAGE ? ', …' : '');
    const listed = found.indexed === undefined ? '' : ` (the dedupe=scan index lists ${found.indexed})`;
    return matched('skipped', '', `ambiguous: ${found.customers.length} customers share this email (${shown})${listed}`);
  }
  const existing = found.customers[0] as Stripe.Customer;
  if (ctx.mode === 'create') return matched('skipped', existing.id, `exists: ${existing.id}`);
  const group = await ctx.auditGroups?.sizeOf(emailDigest(email));
  if (group != null && ctx.auditGroups !== undefined) {
    const { auditId } = ctx.auditGroups;
    return matched('skipped', '', `ambiguous: audit ${auditId} found ${group} customers sharing this email; merge them, then run a new audit`);
  }
  return upsertExisting(ctx, existing, input, matched, row);
}

/**
 * The stored email of a matched customer that dedupe=lookup would have missed: neither the row's email as written
 * nor lower-cased (Stripe's filter is exact), and not one stripe-bulk created (the registry knows those).
 */
function foundOnlyByScan(found: EmailMatches, email: string): string | undefined {
  const written = email.trim();
  const lower = normaliseEmail(email);
  for (const c of found.customers) {
    const stored = (c.email ?? '').trim();
    if (stored !== written && stored !== lower && !found.creators.has(c.id)) return stored;
  }
  return undefined;
}
