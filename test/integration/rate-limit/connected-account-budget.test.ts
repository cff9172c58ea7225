import { afterEach, describe, expect, it } from 'vitest';
import { createImportHarness, csv, type ImportHarness } from '../imports/import-harness.ts';

const ACCT = 'acct_1BudgetShared';
const LIMIT = 15;
const emails = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}@example.com`);

/**
 * By default a connected account's requests draw from the platform's budget: a platform import and a
 * connected-account import running together stay, together, within it. The emulator counts both against the one
 * API key and answers 429 past its limit, so any request the shared limiter let through beyond it shows.
 */
describe('the rate budget of connected-account jobs', () => {
  let h: ImportHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('shares the platform\'s budget by default: both imports together never exceed it', async () => {
    h = await createImportHarness({
      emulator: { latencyMs: 5, jitterMs: 5, readLimit: LIMIT, writeLimit: LIMIT },
      // A wide window margin absorbs a loaded machine's scheduling jitter (see import-processes.test.ts).
      env: { STRIPE_READ_RPS: String(LIMIT), STRIPE_WRITE_RPS: String(LIMIT), RATE_WINDOW_MARGIN_MS: '300', WORKER_CONCURRENCY: '2' },
    });
    await h.emulator.admin.registerAccount(ACCT);
    h.startWorker();
    const [platform, connected] = await Promise.all([
      h.importCsv(csv('email', emails(30, 'p'))),
      h.importCsv(csv('email', emails(30, 'c')), { account: ACCT }),
    ]);
    await Promise.all([h.waitFor(platform, ['completed'], 60_000), h.waitFor(connected, ['completed'], 60_000)]);
    const stats = await h.emulator.admin.stats();
    expect(stats.rate_limited).toBe(0);
    expect(stats.max_writes_in_one_second).toBeLessThanOrEqual(LIMIT);
    expect(stats.max_reads_in_one_second).toBeLessThanOrEqual(LIMIT);
    expect(stats.customers).toBe(30);
    expect(stats.connected_accounts[ACCT]?.customers).toBe(30);
  });
});
