import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WORKER_ENTRY_ARGS } from '../../../dev/worker-entry.ts';
import { createImportHarness, csv, exited, type ImportHarness } from './import-harness.ts';

const ACCT = 'acct_1SecretsConn';
const KEY = 'sk_test_connSecret0123456789';

/** Every value of every key under the prefix, as text (strings, hashes, lists, sets, sorted sets, streams). */
async function redisText(h: ImportHarness): Promise<string> {
  const { redis, prefix } = h.services;
  const parts: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      parts.push(key);
      if (type === 'string') parts.push((await redis.get(key)) ?? '');
      else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
      else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
      else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, '0', '-1')));
      else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
    }
  } while (cursor !== '0');
  return parts.join('\n');
}

function filesText(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
    .join('\n');
}

describe('connected-account imports keep the secret key out of logs, Redis and files', () => {
  let h: ImportHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a worker at LOG_LEVEL=debug logs the account, never the key, even when Stripe refuses the account', async () => {
    h = await createImportHarness({ emulator: { keys: [KEY] }, env: { STRIPE_SECRET_KEY: KEY } });
    await h.emulator.admin.registerAccount(ACCT);
    const child = spawn(process.execPath, [...WORKER_ENTRY_ARGS.source], {
      env: { ...process.env, ...h.services.workerEnv, LOG_LEVEL: 'debug' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let logs = '';
    child.stdout.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    try {
      const good = await h.importCsv(csv('email', ['s1@example.com', 's2@example.com']), { account: ACCT });
      const refused = await h.importCsv(csv('email', ['s3@example.com']), { account: 'acct_1NotConnected' });
      expect((await h.waitFor(good, ['completed'])).counts.created).toBe(2);
      const failed = await h.waitFor(refused, ['failed']);
      expect(failed.error).toContain('account_invalid');
    } finally {
      child.kill('SIGTERM');
      await exited(child);
    }
    expect(logs).toContain(`"connectedAccount":"${ACCT}"`);
    expect(logs).toContain('account_invalid');
    expect(logs).not.toContain(KEY);
    expect(await redisText(h)).not.toContain(KEY);
    expect(filesText(h.services.dataDir)).not.toContain(KEY);
  });
});
