import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditKeys } from '../../../src/redis-keys.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { runCliProcess, startCliHarness, type CliHarness } from './cli-harness.ts';

// The compiled CLI, as installed, against a real server with in-process workers (see cli-harness.ts).
let harness: CliHarness;
const closing = closeAfterAll();
beforeAll(async () => {
  harness = closing(await startCliHarness());
  await harness.emulator.admin.seed([
    // Oldest first within a group: Ann, then Ann again.
    { email: 'Ann@Example.com', name: 'Ann', created: 1_700_000_000 },
    { email: 'ann@example.com', name: 'Ann again', created: 1_700_000_100 },
    { email: 'bob@example.com', name: 'Bob', created: 1_700_000_200 },
  ]);
}, 180_000);

describe('stripe-bulk audit', () => {
  it('follows the audit, prints what it found and writes the groups to --out', async () => {
    const run = await runCliProcess(harness, ['audit', '--out', 'dupes.csv']);
    expect(run.stderr).not.toContain('error:');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Audit aud_\S+ completed: 3 customers walked, 1 emails shared by 2 customers/);
    const rows = parse<Record<string, string>>(readFileSync(join(harness.workDir, 'dupes.csv')), { columns: true });
    expect(rows.map((r) => [r.group, r.normalised_email, r.name])).toEqual([
      ['1', 'ann@example.com', 'Ann'],
      ['1', 'ann@example.com', 'Ann again'],
    ]);
  });

  it('an unknown --kind exits 1 with the server naming the kinds; nothing is queued', async () => {
    const before = await harness.services.redis.zcard(auditKeys.recent(harness.services.prefix));
    const run = await runCliProcess(harness, ['audit', '--kind', 'near_duplicates']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('must be one of duplicate_emails');
    expect(await harness.services.redis.zcard(auditKeys.recent(harness.services.prefix))).toBe(before);
  });
});

describe('stripe-bulk import --dedupe scan', () => {
  it('matches a customer stored with capitals that the default look-ups miss', async () => {
    const [carol] = (await harness.emulator.admin.seed([{ email: 'Carol@Example.com', name: 'Carol' }])).ids;
    writeFileSync(join(harness.workDir, 'in', 'carol.csv'), 'email,name\ncarol@example.com,Carol\n');
    const run = await runCliProcess(harness, ['import', 'in/carol.csv', '--dedupe', 'scan', '--out', 'carol.results.csv']);
    expect(run.stderr).not.toContain('error:');
    expect(run.code).toBe(0);
    const [row] = parse<Record<string, string>>(readFileSync(join(harness.workDir, 'carol.results.csv')), { columns: true });
    expect(row).toMatchObject({ action: 'skipped', customer_id: carol, message: `exists: ${carol ?? ''}; matched only by dedupe=scan (stored with other capitals)` });
    const bad = await runCliProcess(harness, ['import', 'in/carol.csv', '--dedupe', 'fuzzy']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("'fuzzy' is invalid");
  });
});
