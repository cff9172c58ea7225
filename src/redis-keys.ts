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

/** Keys of team member deprovisions (the id is also the BullMQ job id). */
export const deprovisionKeys = {
  /** Hash: the record, its counts and its checkpoint (rows done, results bytes, the row being deactivated). */
  record: (prefix: string, id: string) => `${prefix}:deprovision:${id}`,
  /** Sorted set of deprovision ids scored by creation time (ms). */
  recent: (prefix: string) => `${prefix}:deprovisions`,
};

/** String: a job's submission, its acceptance deadline then 'accepted' or 'refused' (src/queues/submission.ts). */
export function submissionKey(queuePrefix: string, queue: 'import' | 'export' | 'deprovision', id: string): string {
  return `${queuePrefix}:submission:${queue}:${id}`;
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
 * which the multi-key Lua script requires.
 */
export function rateLimitKeys(keyPrefix: string, accountId: string): RateLimitKeys {
  const base = `${checkedPart('keyPrefix', keyPrefix)}:rate:{${checkedPart('accountId', accountId)}}`;
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
