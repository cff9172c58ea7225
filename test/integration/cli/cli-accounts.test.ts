import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { HARNESS_API_TOKEN, runCliProcess, startCliHarness, type CliHarness } from './cli-harness.ts';

let harness: CliHarness;
const closing = closeAfterAll();

beforeAll(async () => {
  harness = closing(await startCliHarness());
  await harness.emulator.admin.seedAccounts({ count: 7, template: { email: 'acct{i}@x.io', created: 1_700_000_000, capabilities: { transfers: 'active' } } });
  await harness.emulator.admin.seed({ count: 3, template: { email: 'cust{i}@x.io', created: 1_700_000_000 } });
}, 180_000);

describe('stripe-bulk export --object', () => {
  it('exports connected accounts with --object accounts, and status counts them as accounts', async () => {
    const run = await runCliProcess(harness, ['export', '--object', 'accounts', '--out', 'accounts.csv']);
    expect(run.stderr).not.toContain('error:');
    expect(run.code).toBe(0);
    const rows = parse<Record<string, string>>(readFileSync(join(harness.workDir, 'accounts.csv')), { columns: true });
    const live = await harness.emulator.admin.accounts();
    expect(rows.map((r) => r.id).sort()).toEqual(live.map((a) => a.id).sort());
    expect(rows.every((r) => r['capabilities.transfers'] === 'active')).toBe(true);
    const id = /Export (exp_\S+)/.exec(run.stdout)?.[1] ?? '';
    const status = await runCliProcess(harness, ['status', id]);
    expect(status.stdout).toMatch(new RegExp(`Export ${id} completed[\\s\\S]*accounts\\s+${live.length}`));
  });

  it('refuses an unknown --object before sending anything, listing the allowed values', async () => {
    const count = async () =>
      ((await (await fetch(`${harness.url}/v1/exports`, { headers: { authorization: `Bearer ${HARNESS_API_TOKEN}` } })).json()) as { data: unknown[] }).data
        .length;
    const before = await count();
    const run = await runCliProcess(harness, ['export', '--object', 'users']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('--object');
    expect(run.stderr).toContain('customers, accounts');
    expect(await count()).toBe(before);
  });

  it('refuses --object accounts with --email: the server names the field', async () => {
    const run = await runCliProcess(harness, ['export', '--object', 'accounts', '--email', 'a@x.io']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('email: only a customers export takes it');
  });
});
