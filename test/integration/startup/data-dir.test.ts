import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/http/app.ts';
import { startTestEmulator, TEST_EMULATOR_KEY, type TestEmulator } from '../../helpers/emulator.ts';
import { spawnEntry, type EntryProcess } from '../../helpers/entry-process.ts';
import { listenOnFreePort, type ListeningApp } from '../../helpers/http.ts';
import { testRedisUrl, uniquePrefix } from '../../helpers/redis.ts';
import { createTestServices, type TestServices } from '../../helpers/services.ts';

/** Exit code within `ms`, or 'running' after killing a process that was still up. */
async function exitWithin(entry: EntryProcess, ms: number): Promise<number | null | 'running'> {
  const timer = new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), ms).unref());
  const outcome = await Promise.race([entry.exited, timer]);
  if (outcome === 'running') await entry.stop(1_000);
  return outcome;
}

/**
 * Root ignores file modes, so "not writable" is a DATA_DIR that is a regular file or lies under one: mkdir and the
 * probe fail for every user alike.
 */
describe('DATA_DIR that is not a writable directory', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'stripe-bulk-datadir-'));
  const aFile = join(scratch, 'not-a-dir');
  writeFileSync(aFile, 'x');
  let emulator: TestEmulator | undefined;
  let services: TestServices | undefined;
  let listening: ListeningApp | undefined;

  afterEach(async () => {
    await listening?.close();
    await services?.close();
    await emulator?.close();
    listening = undefined;
    services = undefined;
    emulator = undefined;
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('the server and the worker refuse to start with one line naming DATA_DIR and a non-zero exit', async () => {
    emulator = await startTestEmulator();
    const env = {
      // A Redis and a Stripe that work: only DATA_DIR is wrong.
      REDIS_URL: testRedisUrl(),
      STRIPE_SECRET_KEY: TEST_EMULATOR_KEY,
      STRIPE_API_URL: emulator.url,
      QUEUE_PREFIX: uniquePrefix('datadir'),
      PORT: '0',
      LOG_LEVEL: 'info',
    };
    const cases = [
      { entry: 'server' as const, dataDir: aFile, reason: 'it is a file' },
      { entry: 'worker' as const, dataDir: join(aFile, 'data'), reason: 'a part of the path is a file' },
    ];
    const running = cases.map((c) => spawnEntry(c.entry, { ...env, DATA_DIR: c.dataDir }));
    const codes = await Promise.all(running.map((r) => exitWithin(r, 20_000)));
    for (const [i, c] of cases.entries()) {
      const lines = `${running[i]!.stdout()}${running[i]!.stderr()}`.split('\n').filter((l) => l.trim() !== '');
      expect(codes[i], `${c.entry}: ${lines.join('\n')}`).toBe(5);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`DATA_DIR=${c.dataDir} is not a writable directory: ${c.reason}`);
    }
  });

  it('/readyz probes DATA_DIR on every call and says not ready, naming DATA_DIR, once it stops being a directory', async () => {
    emulator = await startTestEmulator();
    services = createTestServices({ emulatorUrl: emulator.url });
    listening = await listenOnFreePort(createApp(services, { keyStatus: () => ({ ok: true, message: 'checked by the test' }) }));
    const readyz = async () => {
      const res = await fetch(`${listening!.baseUrl}/readyz`);
      return { status: res.status, body: (await res.json()) as { checks: Record<string, { ok: boolean; message: string }> } };
    };
    const before = await readyz();
    expect(before.status).toBe(200);
    expect(before.body.checks.data_dir).toEqual({ ok: true, message: `DATA_DIR=${services.dataDir} is a writable directory` });

    rmSync(services.dataDir, { recursive: true, force: true });
    writeFileSync(services.dataDir, 'not a directory any more');
    const after = await readyz();
    expect(after.status).toBe(503);
    expect(after.body.checks.data_dir?.ok).toBe(false);
    expect(after.body.checks.data_dir?.message).toContain(`DATA_DIR=${services.dataDir} is not a writable directory`);

    rmSync(services.dataDir, { force: true });
    const missing = await readyz();
    // A missing DATA_DIR is created, as at start.
    expect(missing.status).toBe(200);
    mkdirSync(services.dataDir, { recursive: true });
  });
});
