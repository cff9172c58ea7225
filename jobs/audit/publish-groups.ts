import type { Redis } from 'ioredis';
import { auditGroupKeys } from '../../src/redis-keys.ts';
import type { EmailIndex } from '../walk/email-index.ts';

const BATCH = 1000;

/**
 * Makes a completed audit's groups the account's current ones (auditGroupKeys), which `mode=upsert` imports skip
 * as ambiguous: copied in batches under a key of their own, then renamed over the previous audit's in one step, so
 * an import never reads half of them. Runs again harmlessly when a resumed audit repeats it.
 */
export async function publishAuditGroups(redis: Redis, prefix: string, accountId: string, auditId: string, index: EmailIndex): Promise<void> {
  const keys = auditGroupKeys(prefix, accountId);
  await redis.del(keys.next);
  for (let start = 0; ; start += BATCH) {
    const page = await redis.zrange(index.keys.groups, String(start), String(start + BATCH - 1), 'WITHSCORES');
    if (page.length === 0) break;
    const args: string[] = [];
    for (let i = 0; i < page.length; i += 2) args.push(page[i + 1] ?? '0', page[i] ?? '');
    await redis.zadd(keys.next, ...args);
  }
  const publish = redis.multi();
  publish.hset(keys.source, 'audit_id', auditId, 'finished_at', Date.now());
  if ((await redis.exists(keys.next)) === 1) publish.rename(keys.next, keys.groups);
  else publish.del(keys.groups);
  for (const [err] of (await publish.exec()) ?? []) if (err) throw err;
}

/** The current audit groups of an account: the audit they come from, and the group size of an email digest (null: in none). */
export interface AuditGroups {
  auditId: string;
  sizeOf: (digest: string) => Promise<number | null>;
}

export async function currentAuditGroups(redis: Redis, prefix: string, accountId: string): Promise<AuditGroups | null> {
  const keys = auditGroupKeys(prefix, accountId);
  const auditId = await redis.hget(keys.source, 'audit_id');
  if (auditId === null) return null;
  return {
    auditId,
    sizeOf: async (digest) => {
      const score = await redis.zscore(keys.groups, digest);
      return score === null ? null : Number(score);
    },
  };
}
