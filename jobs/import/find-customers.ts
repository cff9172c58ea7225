import type Stripe from 'stripe';
import type { CreatedEmails } from '../../src/imports/created-emails.ts';
import type { CustomerGateway } from '../../src/stripe/customer-gateway.ts';

/** The normalised form emails are compared in: trimmed, lower-cased. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Every live customer whose email equals `email` case-insensitively, as far as Stripe lets us see: a look-up of
 * the email as written and, when it differs, of its lower-cased form (Stripe's filter is exact), plus customers
 * this tool created under another casing (the registry). Merged by id.
 */
export async function findCustomersByEmail(
  gateway: CustomerGateway,
  registry: CreatedEmails | null,
  email: string,
  signal?: AbortSignal,
): Promise<Stripe.Customer[]> {
  const written = email.trim();
  const lower = normaliseEmail(email);
  const [lists, known] = await Promise.all([
    Promise.all(written === lower ? [gateway.listByEmail(written, signal)] : [gateway.listByEmail(written, signal), gateway.listByEmail(lower, signal)]),
    registry ? registry.ids(lower) : Promise.resolve([]),
  ]);
  const byId = new Map<string, Stripe.Customer>();
  for (const c of lists.flat()) {
    if (normaliseEmail(c.email ?? '') === lower) byId.set(c.id, c);
  }
  // Only ids the look-ups missed cost a request, i.e. only when another casing was created earlier.
  for (const id of known) {
    if (byId.has(id)) continue;
    const c = await gateway.retrieve(id, signal);
    if (c && !c.deleted && normaliseEmail(c.email ?? '') === lower) byId.set(c.id, c);
  }
  return [...byId.values()];
}
