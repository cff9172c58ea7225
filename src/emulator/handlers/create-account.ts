import { accountJson, CAPABILITY_NAMES, defaultAccount, newAccountId, type AccountRecord } from '../account-record.ts';
import type { Handler } from '../handler-types.ts';
import { validateParams, type ParamSpec, type ParamValue } from '../param-validator.ts';

const str = (max: number): ParamSpec => ({ kind: 'string', max });
const BOOL: ParamSpec = { kind: 'enum', values: ['true', 'false'] };

/** The subset of Stripe's `AccountCreateParams` the emulator keeps (enough to seed what the exports read). */
const CREATE_PARAMS: Record<string, ParamSpec> = {
  type: { kind: 'enum', values: ['custom', 'express', 'standard'] },
  country: { kind: 'enum', values: ['US', 'GB', 'FR', 'DE', 'IE', 'CA', 'AU', 'JP'] },
  email: str(800),
  business_type: { kind: 'enum', values: ['company', 'government_entity', 'individual', 'non_profit'] },
  business_profile: { kind: 'object', props: { name: str(5000), url: str(5000), mcc: str(4) } },
  capabilities: {
    kind: 'object',
    props: Object.fromEntries(CAPABILITY_NAMES.map((name) => [name, { kind: 'object', props: { requested: BOOL } }])),
  },
  metadata: { kind: 'metadata' },
  expand: { kind: 'array', items: str(5000) },
};

type Valid = Record<string, ParamValue>;
const asObject = (value: ParamValue | undefined): Valid | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
const asText = (value: ParamValue | undefined): string | null => (typeof value === 'string' && value !== '' ? value : null);

function applyCreateParams(record: AccountRecord, valid: Valid): void {
  if (typeof valid.type === 'string') record.type = valid.type as AccountRecord['type'];
  // Standard accounts are controlled by themselves; custom and express by the platform.
  record.controllerType = record.type === 'standard' ? 'account' : 'application';
  record.email = asText(valid.email);
  record.businessType = asText(valid.business_type);
  const profile = asObject(valid.business_profile);
  if (profile !== undefined) {
    record.businessProfile = { name: asText(profile.name), url: asText(profile.url), mcc: asText(profile.mcc) };
  }
  for (const [name, value] of Object.entries(asObject(valid.capabilities) ?? {})) {
    if (asObject(value)?.requested === 'true') record.capabilities[name] = 'inactive';
  }
  for (const [key, value] of Object.entries(asObject(valid.metadata) ?? {})) {
    if (typeof value === 'string') record.metadata[key] = value;
  }
}

/** `POST /v1/accounts` (for seeding: an account that has submitted nothing yet, as Stripe creates it). */
export const createAccount: Handler = ({ accounts, params, now }) => {
  const valid = validateParams(params, CREATE_PARAMS);
  let id = newAccountId();
  while (accounts.has(id)) id = newAccountId();
  const country = typeof valid.country === 'string' ? valid.country : undefined;
  const record = defaultAccount({ id, created: Math.floor(now / 1000), seq: accounts.nextSeq(), country });
  applyCreateParams(record, valid);
  accounts.addMany([record]);
  return { status: 200, body: accountJson(record) };
};
