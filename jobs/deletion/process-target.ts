import Stripe from 'stripe';
import type { CustomerInput } from '../../src/csv/index.ts';
import type { DeletionStore } from '../../src/deletions/deletion-store.ts';
import type { DeletionAction, DeletionOutcome } from '../../src/deletions/deletion-types.ts';
import type { CustomerGateway } from '../../src/stripe/customer-gateway.ts';
import { describeStripeError } from '../../src/stripe/stripe-errors.ts';
import type { CreatedEmails } from '../import/created-emails.ts';
import { findCustomersByEmail } from '../import/find-customers.ts';
import { keepReasons } from './keep-reasons.ts';
import type { Target } from './targets.ts';

/** What every row of one run shares. */
export interface TargetContext {
  deletionId: string;
  dryRun: boolean;
  force: boolean;
  gateway: CustomerGateway;
  store: DeletionStore;
  registry: CreatedEmails;
  /** For an undo: what the import wrote, by its row number. */
  importInputs: ReadonlyMap<number, CustomerInput> | null;
  /** The first row of each customer id the file lists: a later row of the same id is decided by that one. */
  firstRowOfId: ReadonlyMap<string, number>;
  /** For a confirmed run: the customers its dry run said it would delete, and that dry run's id. */
  approved: { ids: ReadonlySet<string>; dryRunId: string } | null;
  signal: AbortSignal | undefined;
}

const outcome = (target: Target, action: DeletionAction, customerId: string, message: string, email = target.email): DeletionOutcome => ({
  row: target.row,
  email,
  action,
  customerId,
  message,
});

/** The one customer a row names, or the outcome that ends the row (no such email, an ambiguous one). */
async function resolve(ctx: TargetContext, target: Target): Promise<string | DeletionOutcome> {
  if (target.id !== '') {
    const first = ctx.firstRowOfId.get(target.id) ?? target.row;
    if (first !== target.row) return outcome(target, 'already_deleted', target.id, `also listed on row ${String(first)}; that row decides it`);
    return target.id;
  }
  if (target.email === '') return outcome(target, 'failed', '', 'the row has neither an id nor an email');
  const { customers } = await findCustomersByEmail(ctx.gateway, ctx.registry, target.email, { resolvePending: false, signal: ctx.signal });
  if (customers.length === 1) return (customers[0] as Stripe.Customer).id;
  if (customers.length === 0) return outcome(target, 'failed', '', 'no live customer has this email');
  // Never a guess: deleting is permanent, and which of them the file meant cannot be known.
  const ids = customers.map((c) => c.id).join(' ');
  return outcome(target, 'kept', '', `ambiguous: ${String(customers.length)} customers share this email (${ids}); none is deleted`);
}

/**
 * A customer found deleted: by this deletion (a run that died after sending the DELETE, or an earlier row of the
 * same customer), or before it.
 */
async function alreadyGone(ctx: TargetContext, target: Target, id: string, email: string): Promise<DeletionOutcome> {
  const owner = await ctx.store.deletingRow(ctx.deletionId, id);
  if (owner === target.row) return outcome(target, 'deleted', id, '', email);
  const message = owner === null ? 'the customer was already deleted' : `deleted by row ${String(owner)} of this deletion`;
  return outcome(target, 'already_deleted', id, message, email);
}

/** Decides one row and, unless it is a dry run, carries it out. */
async function decide(ctx: TargetContext, target: Target, id: string): Promise<DeletionOutcome> {
  const customer = await ctx.gateway.retrieveWithSubscriptions(id, ctx.signal);
  if (customer === null) {
    const owner = await ctx.store.deletingRow(ctx.deletionId, id);
    return owner === null ? outcome(target, 'failed', id, `no such customer: ${id}`) : alreadyGone(ctx, target, id, target.email);
  }
  if (customer.deleted) return alreadyGone(ctx, target, id, target.email);
  const email = target.email || (customer.email ?? '');
  const reasons = keepReasons(customer, ctx.importInputs?.get(target.row));
  // An undo that cannot read what the import wrote cannot tell an edited customer from an untouched one.
  if (ctx.importInputs !== null && !ctx.importInputs.has(target.row)) reasons.push(`what the import wrote on its row ${String(target.row)} cannot be read, so changes since cannot be ruled out`);
  if (reasons.length > 0 && !ctx.force) return outcome(target, 'kept', id, `kept: ${reasons.join('; ')}`, email);
  // What is deleted is what was reviewed: a customer the dry run did not list (the email now names another, say) stays.
  if (ctx.approved && !ctx.approved.ids.has(id)) {
    return outcome(target, 'kept', id, `not deleted: the reviewed dry run ${ctx.approved.dryRunId} did not list it as would_delete`, email);
  }
  const forced = reasons.length > 0 ? `forced although ${reasons.join('; ')}` : '';
  // Two rows may still name one customer (an id and an email): the first row to claim it deletes it. The claim also
  // survives a crash (see alreadyGone).
  const owner = await ctx.store.claim(ctx.deletionId, id, target.row);
  if (owner !== target.row) return outcome(target, 'already_deleted', id, `also listed on row ${String(owner)}, which deletes it`, email);
  if (ctx.dryRun) return outcome(target, 'would_delete', id, forced, email);
  const deleted = await ctx.gateway.del(id, ctx.signal);
  // 404 after a live retrieve: deleted meanwhile, unless the DELETE of a run that died got there first.
  if (deleted === null) return alreadyGone(ctx, target, id, email);
  return outcome(target, 'deleted', id, forced, email);
}

/** One row's result line; a Stripe error is a failed row, anything else (an abort, Redis) fails the run. */
export async function processTarget(ctx: TargetContext, target: Target): Promise<DeletionOutcome> {
  try {
    const resolved = await resolve(ctx, target);
    if (typeof resolved !== 'string') return resolved;
    return await decide(ctx, target, resolved);
  } catch (err) {
    if (err instanceof Stripe.errors.StripeError) return outcome(target, 'failed', target.id, describeStripeError(err));
    throw err;
  }
}
