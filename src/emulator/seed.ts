import { z } from 'zod';
import {
  defaultFields,
  emptyMetadata,
  makeRecord,
  newCustomerId,
  type CustomerRecord,
} from './customer-record.ts';
import type { CustomerStore } from './customer-store.ts';

const seedText = z.string().nullable().optional();

// Metadata keys are user data: a custom check keeps the parsed object, where z.record would drop `__proto__`.
const stringRecord = z.custom<Record<string, string>>(
  (value) =>
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string'),
  'must be an object of string values',
);

const seedCustomerSchema = z.object({
  email: seedText,
  name: seedText,
  phone: seedText,
  description: seedText,
  created: z.number().optional(),
  metadata: stringRecord.optional(),
  address: z
    .object({ city: seedText, country: seedText, line1: seedText, line2: seedText, postal_code: seedText, state: seedText })
    .nullable()
    .optional(),
  balance: z.number().optional(),
  tax_exempt: z.enum(['none', 'exempt', 'reverse']).optional(),
  preferred_locales: z.array(z.string()).optional(),
  livemode: z.boolean().optional(),
});

const seedRequestSchema = z.object({
  customers: z.array(seedCustomerSchema).optional(),
  count: z.number().optional(),
  template: seedCustomerSchema.optional(),
  createdStep: z.number().optional(),
  /** A connected account (`acct_…`) to seed instead of the platform; it becomes known to the emulator. */
  account: z.string().optional(),
});

/** One customer to seed: any subset of the customer's settable fields, plus `created` (unix seconds). */
export type SeedCustomer = z.infer<typeof seedCustomerSchema>;

/**
 * The body of `POST /__emulator/seed`: explicit `customers`, and/or `count` copies of `template` where `{i}`
 * in any string becomes 0..count-1 and `created` grows by `createdStep` seconds per customer (default 0).
 */
export type SeedRequest = z.infer<typeof seedRequestSchema>;

/** Seeding bypasses validation and limits, but still refuses shapes that would corrupt the store. */
export class SeedError extends Error {}

/** The seed body checked against its schema; a SeedError names the first bad field. */
export function parseSeedRequest(body: unknown): SeedRequest {
  const parsed = seedRequestSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new SeedError(issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'malformed seed body');
}

const MAX_SEED_COUNT = 2_000_000;

function text(value: string | null | undefined, i: number | undefined): string | null {
  if (value === undefined || value === null) return null;
  return i === undefined ? value : value.replaceAll('{i}', String(i));
}

function toRecord(input: SeedCustomer, store: CustomerStore, nowMs: number, i?: number, createdOffset = 0): CustomerRecord {
  const created = (input.created ?? Math.floor(nowMs / 1000)) + createdOffset;
  if (!Number.isSafeInteger(created)) throw new SeedError('created must be an integer (unix seconds)');
  const base = defaultFields();
  let metadata = base.metadata;
  const entries = Object.entries(input.metadata ?? {});
  if (entries.length > 0) {
    metadata = emptyMetadata();
    for (const [k, v] of entries) metadata[k] = text(v, i) ?? '';
  }
  let id = newCustomerId();
  while (store.has(id)) id = newCustomerId();
  const address = input.address
    ? {
        city: text(input.address.city, i),
        country: text(input.address.country, i),
        line1: text(input.address.line1, i),
        line2: text(input.address.line2, i),
        postal_code: text(input.address.postal_code, i),
        state: text(input.address.state, i),
      }
    : null;
  base.email = text(input.email, i);
  base.name = text(input.name, i);
  base.phone = text(input.phone, i);
  base.description = text(input.description, i);
  base.address = address;
  base.balance = input.balance ?? 0;
  base.tax_exempt = input.tax_exempt ?? 'none';
  if (input.preferred_locales !== undefined) base.preferred_locales = [...input.preferred_locales];
  base.metadata = metadata;
  // Seeded data is already indexed (searchableAt 0): it predates the rehearsal.
  return makeRecord(base, { id, created, seq: store.nextSeq(), livemode: input.livemode ?? false, searchableAt: 0 });
}

/** Adds the requested customers in one batch; returns their ids (explicit customers only) and the count. */
export function seedCustomers(store: CustomerStore, request: SeedRequest, nowMs: number): { count: number; ids: string[] } {
  const records: CustomerRecord[] = [];
  const explicit = request.customers ?? [];
  for (const c of explicit) records.push(toRecord(c, store, nowMs));
  const count = request.count ?? 0;
  if (!Number.isSafeInteger(count) || count < 0 || count > MAX_SEED_COUNT) {
    throw new SeedError(`count must be an integer between 0 and ${MAX_SEED_COUNT}`);
  }
  const step = request.createdStep ?? 0;
  for (let i = 0; i < count; i += 1) records.push(toRecord(request.template ?? {}, store, nowMs, i, i * step));
  store.addMany(records);
  return { count: records.length, ids: records.slice(0, explicit.length).map((r) => r.id) };
}
