import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../dev/free-port.ts';
import { spawnEntry, type EntryProcess } from '../../helpers/entry-process.ts';

const PASSWORD = 'hunter2-do-not-print';

/** Exit code within `ms`, or null after killing a process that was still running. */
async function exitWithin(entry: EntryProcess, ms: number): Promise<number | null | 'running'> {
  const timer = new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), ms).unref());
  const outcome = await Promise.race([entry.exited, timer]);
  if (outcome === 'running') await entry.stop(1_000);
  return outcome;
}

/** A well-formed REDIS_URL nobody answers on: each entry point says so, naming REDIS_URL, and exits. */
describe('start-up with an unreachable REDIS_URL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'stripe-bulk-startup-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('the server and the worker print one message naming REDIS_URL (password hidden), no stack trace, and exit non-zero within 30 s', async () => {
    const port = await freePort();
    const env = {
      REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${port}`,
      STRIPE_SECRET_KEY: 'sk_test_emulator',
      STRIPE_API_URL: 'http://127.0.0.1:9',
      DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'info',
    };
    const entries = [spawnEntry('server', env), spawnEntry('worker', env)];
    const codes = await Promise.all(entries.map((e) => exitWithin(e, 30_000)));
    for (const [i, entry] of entries.entries()) {
      const output = `${entry.stdout()}${entry.stderr()}`;
      const lines = output.split('\n').filter((l) => l.trim() !== '');
      console.info(`start-up with a dead REDIS_URL (${i === 0 ? 'server' : 'worker'}, exit ${codes[i]}):\n${lines.join('\n')}`);
      expect(codes[i]).toBe(4);
      expect(output).toContain(`REDIS_URL=redis://:***@127.0.0.1:${port}`);
      expect(output).not.toContain(PASSWORD);
      // One line when the first attempt fails, one when it gives up; never a stack trace per retry.
      expect(lines.filter((l) => l.includes('ECONNREFUSED')).length).toBeLessThanOrEqual(2);
      expect(lines.length).toBeLessThanOrEqual(3);
      expect(output).not.toMatch(/^\s+at /m);
      expect(output).not.toContain('\\n    at ');
    }
  });
});
