import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { runCliProcess, startCliHarness, type CliHarness } from './cli-harness.ts';

// `stripe-bulk delete FILE` and `stripe-bulk undo imp_…`, run as an installed user runs them: a dry run first, then
// --confirm with its id; without either the CLI refuses before anything reaches the server.
describe('stripe-bulk delete and undo', () => {
  const closing = closeAfterAll();
  let harness: CliHarness;

  beforeAll(async () => {
    harness = closing(await startCliHarness());
  }, 180_000);

  const deletionIdOf = (stdout: string): string => /Deletion (del_\S+)/.exec(stdout)?.[1] ?? '';

  it('delete FILE: refused without --dry-run or --confirm, then a dry run, then the confirmed run', async () => {
    const { ids } = await harness.emulator.admin.seed([{ email: 'cli-del0@example.com' }, { email: 'cli-del1@example.com' }, { email: 'cli-keep@example.com' }]);
    writeFileSync(join(harness.workDir, 'in', 'gone.csv'), `id\n${ids[0] as string}\n${ids[1] as string}\n`);
    const bare = await runCliProcess(harness, ['delete', 'in/gone.csv']);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toMatch(/--dry-run first/);

    const dry = await runCliProcess(harness, ['delete', 'in/gone.csv', '--dry-run']);
    expect(dry.stderr).not.toContain('error:');
    expect(dry.code).toBe(0);
    const dryId = deletionIdOf(dry.stdout);
    expect(dry.stdout).toContain(`Deletion ${dryId} completed: would delete 2, kept 0, already deleted 0, failed 0 of 2`);
    expect(dry.stdout).toContain(`Review them, then delete with: stripe-bulk delete in/gone.csv --confirm ${dryId}`);
    expect(existsSync(join(harness.workDir, `${dryId}.dry-run.results.csv`))).toBe(true);
    expect((await harness.emulator.admin.stats()).deleted_customers).toBe(0);

    const real = await runCliProcess(harness, ['delete', 'in/gone.csv', '--confirm', dryId]);
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(/Deletion del_\S+ completed: deleted 2, kept 0/);
    expect((await harness.emulator.admin.customers()).map((c) => c.email)).toEqual(['cli-keep@example.com']);
  }, 120_000);

  it('undo imp_…: a dry run, then the confirmed run deletes what the import created', async () => {
    writeFileSync(join(harness.workDir, 'in', 'undo.csv'), 'email\ncli-undo0@example.com\ncli-undo1@example.com\n');
    const imported = await runCliProcess(harness, ['import', 'in/undo.csv']);
    expect(imported.code).toBe(0);
    const importId = /Import (imp_\S+)/.exec(imported.stdout)?.[1] ?? '';
    const dry = await runCliProcess(harness, ['undo', importId, '--dry-run']);
    expect(dry.code).toBe(0);
    const dryId = deletionIdOf(dry.stdout);
    expect(dry.stdout).toContain('would delete 2');
    const real = await runCliProcess(harness, ['undo', importId, '--confirm', dryId]);
    expect(real.code).toBe(0);
    expect(real.stdout).toContain('deleted 2');
    const emails = (await harness.emulator.admin.customers()).map((c) => c.email);
    expect(emails.filter((e) => e?.startsWith('cli-undo'))).toEqual([]);
    const again = await runCliProcess(harness, ['undo', importId, '--confirm', dryId]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already undone/);
  }, 120_000);
});
