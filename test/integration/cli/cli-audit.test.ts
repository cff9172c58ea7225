import { readFileSync } from 'node:fs';
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
    { email: 'Ann@Example.com', name: 'Ann' },
    { email: 'ann@example.com', name: 'Ann again' },
    { email: 'bob@example.com', name: 'Bob' },
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
