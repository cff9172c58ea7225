import { emailDigest } from './imports/normalise-email.ts';
import type { RequestKind } from './rate-limit/rate-limiter.ts';

/**
 * Every Redis key stripe-bulk writes is named here (BullMQ names its own queue keys). Every key starts with the
 * deployment's queue prefix, so one Redis can host several deployments (and every test its own prefix).
 *
 * Redis Cluster runs a script only when all its keys hash to one slot, so the keys a multi-key script touches share
 * a `{hash tag}`: today that is the limiter's, tagged per account. Every other script and command touches one key,
 * which is always in one slot; those names are kept exactly as earlier versions wrote them, because renaming them
 * would orphan the records, schedules, locks and registry entries of existing deployments.
 */

/** Anything shaped like a Stripe secret or restricted key: it must never become part of a Redis key. */
const SECRET_SHAPE = /(sk|rk)_(live|test)_/;
const SAFE_PART = /^[A-Za-z0-9_.-]{1,128}$/;

function checkedPart(what: string, value: string): string {
  if (SECRET_SHAPE.test(value)) throw new Error(`${what} looks like a Stripe key: name the account by a hash instead`);
  if (!SAFE_PART.test(value)) throw new Error(`${what} must be 1-128 letters, digits, _ . or -`);
  return value;
}

/** Keys of one import (the import id is also its BullMQ job id). */
export function importKeys(queuePrefix: string, importId: string) {
  return {
    /** Hash: the record, its counts, the checkpoint and the run generation. */
    record: `${queuePrefix}:import:${importId}`,
  };
}

/** Sorted set of import ids scored by creation time (ms), for `GET /v1/imports`. */
export function importIndexKey(queuePrefix: string): string {
  return `${queuePrefix}:imports`;
}

/** Keys of exports and export schedules. */
export const exportKeys = {
  /** Hash: the export record. */
  record: (prefix: string, id: string) => `${prefix}:export:${id}`,
  /** Hash: slice id → SliceState JSON (the resume plan of a running export). */
  slices: (prefix: string, id: string) => `${prefix}:export:${id}:slices`,
  /** Set: the metadata keys present in the pages checkpointed so far (the header of a default-columns export). */
  metadataKeys: (prefix: string, id: string) => `${prefix}:export:${id}:metadata-keys`,
  /** Hash: where a team_members export's SCIM walk stands; `{id}` tags it and scimIds into one slot for their MULTI. */
  scimWalk: (prefix: string, id: string) => `${prefix}:export:{${id}}:scim-walk`,
  /** Set: the SCIM user ids a team_members export has written (its dedupe across pages, rewinds and restarts). */
  scimIds: (prefix: string, id: string) => `${prefix}:export:{${id}}:scim-ids`,
  /** Sorted set of export ids scored by creation time (ms), for `GET /v1/exports`. */
  recent: (prefix: string) => `${prefix}:exports`,
  /** Hash: the schedule record. */
  schedule: (prefix: string, scheduleId: string) => `${prefix}:export-schedule:${scheduleId}`,
  /** Sorted set of schedule ids scored by creation time. */
  schedules: (prefix: string) => `${prefix}:export-schedules`,
  /** Sorted set of the export ids a schedule made, scored by creation time (ms): retention walks it. */
  scheduleRuns: (prefix: string, scheduleId: string) => `${prefix}:export-schedule:${scheduleId}:exports`,
};

/** Keys of reviewed deletions (src/deletions/). */
export const deletionKeys = {
  /** Hash: the record, its counts, the checkpoint and the run generation. */
  record: (prefix: string, id: string) => `${prefix}:deletion:${id}`,
  /** Sorted set of deletion ids scored by creation time (ms). */
  recent: (prefix: string) => `${prefix}:deletions`,
  /**
   * Hash: customer id → 'intent' (written before its DELETE is sent) or 'deleted' (after Stripe answered): a run
   * resumed after a crash tells its own deletions from customers deleted before it, which Stripe answers alike.
   */
  deletedBy: (prefix: string, id: string) => `${prefix}:deletion:${id}:deleted`,
};

/** Keys of team member deprovisions (the id is also the BullMQ job id). */
export const deprovisionKeys = {
  /** Hash: the record, its counts and its checkpoint (rows done, results bytes, the row being deactivated). */
  record: (prefix: string, id: string) => `${prefix}:deprovision:${id}`,
  /** Sorted set of deprovision ids scored by creation time (ms). */
  recent: (prefix: string) => `${prefix}:deprovisions`,
};

/** String: a job's submission, its acceptance deadline then 'accepted' or 'refused' (src/queues/submission.ts). */
export function submissionKey(queuePrefix: string, queue: 'import' | 'export' | 'deletion' | 'audit' | 'deprovision', id: string): string {
  return `${queuePrefix}:submission:${queue}:${id}`;
}

/**
 * The account part of the per-account keys (email locks, the created-email registry with its pending creates):
 * the platform's name, or for a job run on a connected account (`Stripe-Account`) the platform's name plus that
 * account, so a platform import and a connected-account import of one email never share a lock or a registry entry.
 * The platform's own keys keep the form earlier versions wrote. A platform name has no ':' (config.ts), so the two
 * forms never meet.
 */
export function accountScope(accountId: string, connectedAccount: string | undefined): string {
  return connectedAccount === undefined ? accountId : `${accountId}:connected:${checkedPart('connectedAccount', connectedAccount)}`;
}

/** Keys of the per-email state of one Stripe account; an email appears only as a digest, never as an address. */
export const emailKeys = {
  /** String: the token of the row that holds the email's lock (see jobs/import/email-lock.ts). */
  lock: (queuePrefix: string, accountId: string, email: string) =>
    `${queuePrefix}:email-lock:${accountId}:${emailDigest(email)}`,
  /** Hash: customers created and creates pending for one normalised email (jobs/import/created-emails.ts). */
  registry: (queuePrefix: string, accountId: string, email: string) =>
    `${queuePrefix}:email-registry:${accountId}:${emailDigest(email)}`,
  /** Set of customer ids: the registry's earlier form, read until its entries expire (30 days after the last write). */
  legacyCreated: (queuePrefix: string, accountId: string, email: string) =>
    `${queuePrefix}:created-email:${accountId}:${emailDigest(email)}`,
  /** SCAN patterns of every registry entry (current and legacy form) of every account: tooling that resets state. */
  registryPatterns: (queuePrefix: string) => [`${queuePrefix}:email-registry:*`, `${queuePrefix}:created-email:*`],
};

/** Names of the Redis keys of one account's limiter. */
export interface RateLimitKeys {
  /** String key holding the end of the shared cool-down after a 429. */
  coolDown: string;
  /** Sorted set of granted send times for one class of request. */
  classLog(kind: RequestKind): string;
  /** Sorted set of granted send times for one endpoint, e.g. 'customers.list'. */
  endpointLog(endpoint: string): string;
  /** The "known full up to" hint of a log (see reserve-slot-6.lua). */
  hint(log: string): string;
  /** Hash: the budget learned from 429s for one class of request (see learned-budget.ts). */
  learnedBudget(kind: RequestKind): string;
}

/**
 * `<prefix>:rate:{<accountId>}:…`. The hash tag keeps every key of one account in one Redis Cluster slot,
 * which the multi-key Lua script requires. A connected account with a budget of its own
 * (STRIPE_CONNECTED_ACCOUNT_BUDGETS) gets `<prefix>:rate:{<accountId>}:connected:<acct_…>:…`: its own logs under
 * the platform's hash tag.
 */
export function rateLimitKeys(keyPrefix: string, accountId: string, connectedAccount?: string): RateLimitKeys {
  const platform = `${checkedPart('keyPrefix', keyPrefix)}:rate:{${checkedPart('accountId', accountId)}}`;
  const base = connectedAccount === undefined ? platform : `${platform}:connected:${checkedPart('connectedAccount', connectedAccount)}`;
  return {
    coolDown: `${base}:cool-down`,
    classLog: (kind) => `${base}:${kind}`,
    endpointLog: (endpoint) => `${base}:endpoint:${checkedPart('endpoint', endpoint)}`,
    hint: (log) => `${log}:hint`,
    learnedBudget: (kind) => `${base}:learned:${kind}`,
  };
}

/** The part of a key Redis Cluster hashes: the first non-empty `{…}`, else the whole key (Cluster spec). */
export function hashSlotPart(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  if (close === -1 || close === open + 1) return key;
  return key.slice(open + 1, close);
}

/** Keys of duplicate audits. */
export const auditKeys = {
  /** Hash: the audit record. */
  record: (prefix: string, id: string) => `${prefix}:audit:${id}`,
  /** Sorted set of audit ids scored by creation time (ms). */
  recent: (prefix: string) => `${prefix}:audits`,
};

/**
 * The duplicate groups of the latest completed audit of an account, which `mode=upsert` imports skip as ambiguous.
 * Both keys share the `{account}` tag: the new groups are filled under `next` and renamed over `groups` at once.
 */
export function auditGroupKeys(prefix: string, accountId: string) {
  const base = `${prefix}:audit-groups:{${checkedPart('accountId', accountId)}}`;
  return {
    /** Sorted set: email digest → customers sharing it. */
    groups: base,
    /** Sorted set: the groups being copied in, renamed over `groups` once complete. */
    next: `${base}:next`,
    /** Hash: audit_id and finished_at of the audit the groups come from. */
    source: `${base}:source`,
  };
}

/**
 * Keys of one walk of every customer (jobs/walk/walk-customers.ts) and the email index it builds. The index keys
 * share the `{owner}` hash tag: the script that indexes a page writes all of them at once.
 */
export function customerWalkKeys(prefix: string, owner: string) {
  const base = `${prefix}:walk:{${checkedPart('walk owner', owner)}}`;
  return {
    /** Hash: slice id → SliceState JSON (the resume plan of the walk). */
    slices: `${base}:slices`,
    /** Sorted set (scores 0): `<email digest>:<customer id>` for every indexed customer, read by lexical range. */
    emailIds: `${base}:email-ids`,
    /** Sorted set: email digest → customers sharing it, for digests held by more than one customer. */
    groups: `${base}:groups`,
    /** Hash: customer id → the fields an audit lists (JSON), for customers with an email. */
    customers: `${base}:customers`,
    /** Set: metadata keys present on indexed customers (the audit file's metadata columns). */
    metadataKeys: `${base}:metadata-keys`,
    /**
     * Hash: customer id → digest of its email exactly as stored (trimmed), for customers whose stored email is not
     * already its normalised form: says, without a read, whether `?email=` would have found the customer.
     */
    casings: `${base}:casings`,
    /** Sorted set: ids of the customer events already applied to an account index (score: `created`). */
    appliedEvents: `${base}:applied-events`,
    /** Hash: an account index's walks (walked_lte, walked_at, the pending walk's range) and their counters. */
    meta: `${base}:meta`,
    /** String: the token of the process walking an account index (one walk at a time). */
    lock: `${base}:lock`,
  };
}
