import { createWriteStream } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Redis } from 'ioredis';
import { formatCreated } from '../../src/csv/customer-row.ts';
import { neutraliseFormula } from '../../src/csv/formula.ts';
import { normaliseEmail } from '../../src/imports/normalise-email.ts';
import { encodeCsvLine } from '../export/csv-line.ts';
import type { EmailIndex, IndexedCustomer } from '../walk/email-index.ts';

/** The fixed columns of a duplicate audit file; `metadata.<key>` columns follow, keys sorted. */
export const AUDIT_COLUMNS = ['group', 'normalised_email', 'customer_id', 'email', 'name', 'created', 'balance', 'delinquent'] as const;

/** Groups read from Redis per round trip: the worker holds one batch of groups in memory, never the account. */
const GROUPS_PER_BATCH = 200;

/** What the file holds. */
export interface AuditFileSummary {
  groups: number;
  customersInGroups: number;
  bytes: number;
}

function rowOf(group: number, c: IndexedCustomer, metadataKeys: readonly string[]): string[] {
  return [
    String(group),
    neutraliseFormula(normaliseEmail(c.email)),
    c.id,
    neutraliseFormula(c.email),
    neutraliseFormula(c.name ?? ''),
    formatCreated(c.created),
    String(c.balance),
    typeof c.delinquent === 'boolean' ? String(c.delinquent) : '',
    ...metadataKeys.map((k) => neutraliseFormula(c.metadata[k] ?? '')),
  ];
}

/** The customers of a batch of groups, each group oldest first (then by id), in the batch's order. */
async function loadGroups(redis: Redis, index: EmailIndex, digests: string[]): Promise<IndexedCustomer[][]> {
  const lists = await Promise.all(digests.map((digest) => index.idsOfDigest(digest)));
  const ids = lists.flat();
  const details = ids.length === 0 ? [] : await redis.hmget(index.keys.customers, ...ids);
  const byId = new Map<string, IndexedCustomer>();
  details.forEach((json, i) => {
    const id = ids[i];
    if (json !== null && id !== undefined) byId.set(id, JSON.parse(json) as IndexedCustomer);
  });
  return lists.map((group) =>
    group
      .map((id) => byId.get(id))
      .filter((c): c is IndexedCustomer => c !== undefined)
      .sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1)),
  );
}

/**
 * Writes the groups of the index (normalised emails held by more than one customer) as CSV, largest groups first
 * (equal sizes in a fixed order: the digest's), batch by batch from Redis. Written under a temporary name and renamed,
 * so a worker killed while writing leaves no half file under the final name and a resumed audit writes it again.
 */
export async function writeAuditFile(redis: Redis, index: EmailIndex, dir: string, name: string): Promise<AuditFileSummary> {
  await mkdir(dir, { recursive: true });
  const metadataKeys = (await redis.smembers(index.keys.metadataKeys)).sort();
  const temporary = join(dir, `${name}.partial`);
  const out = createWriteStream(temporary);
  const write = async (line: string): Promise<void> => {
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  let groups = 0;
  let customersInGroups = 0;
  try {
    await write(encodeCsvLine([...AUDIT_COLUMNS, ...metadataKeys.map((k) => `metadata.${k}`)]));
    for (let start = 0; ; start += GROUPS_PER_BATCH) {
      const digests = await redis.zrevrange(index.keys.groups, start, start + GROUPS_PER_BATCH - 1);
      if (digests.length === 0) break;
      for (const group of await loadGroups(redis, index, digests)) {
        if (group.length < 2) continue;
        groups += 1;
        customersInGroups += group.length;
        for (const c of group) await write(encodeCsvLine(rowOf(groups, c, metadataKeys)));
      }
    }
    out.end();
    await finished(out);
  } catch (err) {
    out.destroy();
    throw err;
  }
  await rename(temporary, join(dir, name));
  return { groups, customersInGroups, bytes: (await stat(join(dir, name))).size };
}
