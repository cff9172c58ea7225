import {
  defaultFields,
  emptyMetadata,
  makeRecord,
  newCustomerId,
  type AddressRecord,
  type CustomerRecord,
} from './customer-record.ts';
import type { CustomerStore } from './customer-store.ts';

/** One customer to seed: any subset of the customer's settable fields, plus `created` (unix seconds). */
export interface SeedCustomer {
  email?: string | null;
  name?: string | null;
  phone?: string | null;
  description?: string | null;
  created?: number;
  metadata?: Record<string, string>;
  address?: Partial<AddressRecord> | null;
  balance?: number;
  tax_exempt?: 'none' | 'exempt' | 'reverse';
  preferred_locales?: string[];
  livemode?: boolean;
}

/**
 * The body of `POST /__emulator/seed`: explicit `customers`, and/or `count` copies of `template` where `{i}`
 * in any string becomes 0..count-1 and `created` grows by `createdStep` seconds per customer (default 0).
 */
export interface SeedRequest {
  customers?: SeedCustomer[];
  count?: number;
  template?: SeedCustomer;
  createdStep?: number;
}

/** Seeding bypasses validation and limits, but still refuses shapes that would corrupt the store. */
export class SeedError extends Error {}

const MAX_SEED_COUNT = 2_000_000;

function text(value: unknown, field: string, i: number | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new SeedError(`${field} must be a string`);
  return i === undefined ? value : value.replaceAll('{i}', String(i));
}

function toRecord(input: SeedCustomer, store: CustomerStore, nowMs: number, i?: number, createdOffset = 0): CustomerRecord {
  if (typeof input !== 'object' || input === null) throw new SeedError('each customer must be an object');
  const created = (input.created ?? Math.floor(nowMs / 1000)) + createdOffset;
  if (!Number.isSafeInteger(created)) throw new SeedError('created must be an integer (unix seconds)');
  const base = defaultFields();
  let metadata = base.metadata;
  const entries = Object.entries(input.metadata ?? {});
  if (entries.length > 0) {
    metadata = emptyMetadata();
    for (const [k, v] of entries) metadata[k] = text(v, `metadata.${k}`, i) ?? '';
  }
  let id = newCustomerId();
  while (store.has(id)) id = newCustomerId();
  const address = input.address
    ? {
        city: text(input.address.city, 'address.city', i),
        country: text(input.address.country, 'address.country', i),
        line1: text(input.address.line1, 'address.line1', i),
        line2: text(input.address.line2, 'address.line2', i),
        postal_code: text(input.address.postal_code, 'address.postal_code', i),
        state: text(input.address.state, 'address.state', i),
      }
    : null;
  base.email = text(input.email, 'email', i);
  base.name = text(input.name, 'name', i);
  base.phone = text(input.phone, 'phone', i);
  base.description = text(input.description, 'description', i);
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
  if (!Array.isArray(explicit)) throw new SeedError('customers must be an array');
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
