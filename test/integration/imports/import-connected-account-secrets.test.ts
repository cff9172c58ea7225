import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { WORKER_ENTRY_ARGS } from '../../../dev/worker-entry.ts';
import { filesHolding, redisKeysHolding } from '../../helpers/secret-scan.ts';
import { createImportHarness, csv, exited, type ImportHarness } from './import-harness.ts';

const ACCT = 'acct_1SecretsConn';
// Assembled at run time so the source holds nothing shaped like a real key (secret scanners flag those).
const KEY = ['sk', 'test', 'connSecret0123456789'].join('_');

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
    expect(await redisKeysHolding(h.services.redis, KEY)).toEqual([]);
    expect(filesHolding(h.services.dataDir, KEY)).toEqual([]);
  });
});
