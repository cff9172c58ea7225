import { z } from 'zod';
import { CAPABILITY_NAMES, defaultAccount, newAccountId, type AccountRecord, type CapabilityStatus } from './account-record.ts';
import type { AccountStore } from './account-store.ts';
import { emptyMetadata } from './customer-record.ts';
import { SeedError } from './seed.ts';

const seedText = z.string().nullable().optional();

// Keys are user data: a custom check keeps the parsed object, where z.record would drop `__proto__`.
const stringRecord = z.custom<Record<string, string>>(
  (value) =>
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string'),
  'must be an object of string values',
);

const capabilityRecord = z.custom<Record<string, CapabilityStatus>>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.entries(value).every(([k, v]) => CAPABILITY_NAMES.includes(k) && ['active', 'inactive', 'pending'].includes(v as string)),
  'must map capability names of Stripe.Account.Capabilities to active, inactive or pending',
);

const seedAccountSchema = z.strictObject({
  type: z.enum(['custom', 'express', 'standard', 'none']).optional(),
  controller_type: z.enum(['account', 'application']).optional(),
  email: seedText,
  country: z.string().length(2).optional(),
  default_currency: z.string().length(3).optional(),
  business_type: seedText,
  business_profile: z.strictObject({ name: seedText, url: seedText, mcc: seedText }).optional(),
  charges_enabled: z.boolean().optional(),
  payouts_enabled: z.boolean().optional(),
  details_submitted: z.boolean().optional(),
  requirements: z.strictObject({ disabled_reason: seedText, currently_due: z.array(z.string()).optional() }).optional(),
  capabilities: capabilityRecord.optional(),
  metadata: stringRecord.optional(),
  created: z.number().int().optional(),
});

const accountSeedSchema = z.strictObject({
  accounts: z.array(seedAccountSchema).optional(),
  count: z.number().int().min(0).max(200_000).optional(),
  template: seedAccountSchema.optional(),
  createdStep: z.number().optional(),
});

/** One account to seed (snake_case as Stripe.Account names the fields), plus `created` (unix seconds). */
export type SeedAccount = z.infer<typeof seedAccountSchema>;

/**
 * The body of `POST /__emulator/accounts/seed`: explicit `accounts`, and/or `count` copies of `template` where
 * `{i}` in any string becomes 0..count-1 and `created` grows by `createdStep` seconds per account (default 0, so
 * a count alone is a burst of accounts created in one second).
 */
export type AccountSeedRequest = z.infer<typeof accountSeedSchema>;

/** The seed body checked against its schema; a SeedError names the first bad field. */
export function parseAccountSeed(body: unknown): AccountSeedRequest {
  const parsed = accountSeedSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new SeedError(issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'malformed seed body');
}

const text = (value: string | null | undefined, i: number | undefined): string | null =>
  value === undefined || value === null ? null : i === undefined ? value : value.replaceAll('{i}', String(i));

function toRecord(input: SeedAccount, store: AccountStore, created: number, i?: number): AccountRecord {
  let id = newAccountId();
  while (store.has(id)) id = newAccountId();
  const record = defaultAccount({ id, created, seq: store.nextSeq(), country: input.country });
  if (input.type !== undefined) record.type = input.type;
  record.controllerType = input.controller_type ?? (record.type === 'standard' ? 'account' : 'application');
  record.email = text(input.email, i);
  if (input.default_currency !== undefined) record.defaultCurrency = input.default_currency;
  record.businessType = text(input.business_type, i);
  const profile = input.business_profile;
  if (profile) record.businessProfile = { name: text(profile.name, i), url: text(profile.url, i), mcc: text(profile.mcc, i) };
  record.chargesEnabled = input.charges_enabled ?? record.chargesEnabled;
  record.payoutsEnabled = input.payouts_enabled ?? record.payoutsEnabled;
  record.detailsSubmitted = input.details_submitted ?? record.detailsSubmitted;
  if (input.requirements) {
    record.requirements = {
      disabledReason: input.requirements.disabled_reason ?? null,
      currentlyDue: [...(input.requirements.currently_due ?? [])],
    };
  }
  for (const [name, status] of Object.entries(input.capabilities ?? {})) record.capabilities[name] = status;
  const metadata = emptyMetadata();
  for (const [k, v] of Object.entries(input.metadata ?? {})) metadata[k] = text(v, i) ?? '';
  record.metadata = metadata;
  return record;
}

/** Adds the requested accounts in one batch; answers their ids (explicit accounts only) and the count. */
export function seedAccounts(store: AccountStore, request: AccountSeedRequest, nowMs: number): { count: number; ids: string[] } {
  const now = Math.floor(nowMs / 1000);
  const records: AccountRecord[] = [];
  const explicit = request.accounts ?? [];
  for (const a of explicit) records.push(toRecord(a, store, a.created ?? now));
  const step = request.createdStep ?? 0;
  const template = request.template ?? {};
  for (let i = 0; i < (request.count ?? 0); i += 1) {
    const created = (template.created ?? now) + Math.floor(i * step);
    records.push(toRecord(template, store, created, i));
  }
  store.addMany(records);
  return { count: records.length, ids: records.slice(0, explicit.length).map((r) => r.id) };
}
