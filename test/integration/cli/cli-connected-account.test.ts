import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { runCliProcess, startCliHarness, type CliHarness } from './cli-harness.ts';

const ACCT = 'acct_1CliConnected';
let harness: CliHarness;
const closing = closeAfterAll();

beforeAll(async () => {
  harness = closing(await startCliHarness());
  await harness.emulator.admin.registerAccount(ACCT);
}, 180_000);

describe('stripe-bulk --account', () => {
  it('imports into the connected account and exports only its customers', async () => {
    writeFileSync(join(harness.workDir, 'in', 'conn.csv'), 'email,name\ncli1@example.com,One\ncli2@example.com,Two\n');
    const imported = await runCliProcess(harness, ['import', join('in', 'conn.csv'), '--account', ACCT]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain(`connected account: ${ACCT}`);
    const stats = await harness.emulator.admin.stats();
    expect(stats.customers).toBe(0);
    expect(stats.connected_accounts[ACCT]?.customers).toBe(2);

    const exported = await runCliProcess(harness, ['export', '--account', ACCT, '--columns', 'id,email', '--out', 'conn-export.csv']);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(`connected account: ${ACCT}`);
    const rows = parse<Record<string, string>>(readFileSync(join(harness.workDir, 'conn-export.csv')), { columns: true, bom: true });
    expect(rows.map((r) => r.email).sort()).toEqual(['cli1@example.com', 'cli2@example.com']);
  });

  it('a malformed --account exits 1 with the server\'s message naming account, nothing queued', async () => {
    writeFileSync(join(harness.workDir, 'in', 'bad.csv'), 'email\nbad@example.com\n');
    const run = await runCliProcess(harness, ['import', join('in', 'bad.csv'), '--account', 'acct-nope']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('account must be a connected account id');
    const exportRun = await runCliProcess(harness, ['export', '--account', 'cus_123']);
    expect(exportRun.code).toBe(1);
    expect(exportRun.stderr).toContain('account: must be a connected account id');
    expect(await harness.services.queues.import.getJobCounts()).toMatchObject({ waiting: 0, active: 0, delayed: 0 });
  });
});
