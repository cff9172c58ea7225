import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess, startCliHarness, type CliHarness } from './cli-harness.ts';

let harness: CliHarness;

beforeAll(async () => {
  harness = await startCliHarness();
});

afterAll(async () => {
  await harness?.close();
});

function writeInput(name: string, text: string): string {
  const path = join(harness.workDir, name);
  writeFileSync(path, text);
  return path;
}

function readCsv(path: string): Record<string, string>[] {
  return parse(readFileSync(path), { columns: true, bom: true }) as Record<string, string>[];
}

describe('stripe-bulk import', () => {
  it('imports with --wait: exit 0, counts printed, results written next to the input', async () => {
    const input = writeInput(
      'good.csv',
      'email,name,metadata.plan\nada@example.com,Ada Lovelace,pro\ngrace@example.com,"Hopper, Grace",free\nalan@example.com,Alan Turing,\n',
    );
    const run = await runCliProcess(harness, ['import', input, '--wait']);
    expect(run.stderr).not.toContain('error:');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Import imp_\S+ completed/);
    expect(run.stdout).toMatch(/rows\s+3/);
    expect(run.stdout).toMatch(/created\s+3/);
    expect(run.stdout).toMatch(/failed\s+0/);
    // stderr is a pipe here: plain progress lines, no bar escape codes.
    expect(run.stderr).toMatch(/import imp_\S+: \d+\/3 rows|import imp_\S+: \d+ rows|queued/);
    expect(run.stderr).not.toContain('\u001b[');

    const resultsPath = join(harness.workDir, 'good.results.csv');
    expect(run.stdout).toContain(`Results: ${resultsPath}`);
    const results = readCsv(resultsPath);
    expect(results.map((r) => [r.row, r.email, r.action])).toEqual([
      ['1', 'ada@example.com', 'created'],
      ['2', 'grace@example.com', 'created'],
      ['3', 'alan@example.com', 'created'],
    ]);
    const customers = await harness.emulator.admin.customers();
    expect(customers.map((c) => c.email).sort()).toEqual(['ada@example.com', 'alan@example.com', 'grace@example.com']);
  });

  it('exits 2 when the import finishes with failed rows, and the results name them', async () => {
    const input = writeInput(
      'some-bad.csv',
      'email,name,address.country\nok.row@example.com,Ok Row,FR\nnot-an-email,Bad Email,US\nbad.country@example.com,Bad Country,FRA\n',
    );
    const run = await runCliProcess(harness, ['import', input, '--wait', '--mode', 'upsert']);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/failed\s+2/);
    const results = readCsv(join(harness.workDir, 'some-bad.results.csv'));
    expect(results.map((r) => r.action)).toEqual(['created', 'failed', 'failed']);
    expect(results[1]?.message).toContain('email');
    expect(results[2]?.message).toContain('address.country');
    const id = /Import (imp_\S+)/.exec(run.stdout)?.[1] ?? '';

    // status of the same import tells a script the same outcome.
    const [status, json] = await Promise.all([
      runCliProcess(harness, ['status', id]),
      runCliProcess(harness, ['status', id, '--json']),
    ]);
    expect(status.code).toBe(2);
    expect(status.stdout).toContain(`Import ${id} completed`);
    expect(JSON.parse(json.stdout)).toMatchObject({ id, status: 'completed', mode: 'upsert', counts: { failed: 2, total: 3 } });
  });

  it('exits 1 with the server message for a bad header, and writes no results', async () => {
    const input = writeInput('bad-header.csv', 'email,nmae,favourite_colour\nx@example.com,X,blue\n');
    const run = await runCliProcess(harness, ['import', input, '--wait']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('HTTP 400 invalid_header');
    expect(run.stderr).toContain('nmae');
    expect(run.stderr).toContain('favourite_colour');
    expect(existsSync(join(harness.workDir, 'bad-header.results.csv'))).toBe(false);
  });

  it('dry run: reports would-be creates and writes nothing to Stripe', async () => {
    const before = (await harness.emulator.admin.stats()).customers;
    const input = writeInput('dry.csv', 'email,name\nnew.person@example.com,New Person\nada@example.com,Ada\n');
    const run = await runCliProcess(harness, ['import', input, '--wait', '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('dry run');
    expect(run.stdout).toMatch(/would create\s+1/);
    expect((await harness.emulator.admin.stats()).customers).toBe(before);
    expect(readCsv(join(harness.workDir, 'dry.results.csv')).map((r) => r.action)).toEqual(['would_create', 'skipped']);
  });

  it('without --wait prints only the id on stdout', async () => {
    const input = writeInput('nowait.csv', 'email\nno.wait@example.com\n');
    const run = await runCliProcess(harness, ['import', input]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^imp_[A-Za-z0-9]+$/);
  });

  it('exits 1 naming the status and message on 401 and on an unknown id, and for a missing file', async () => {
    // Independent runs, side by side: each child spends most of its time starting tsx.
    const [noToken, unknown, missing] = await Promise.all([
      runCliProcess(harness, ['status', 'imp_doesnotexist'], { STRIPE_BULK_TOKEN: '' }),
      runCliProcess(harness, ['status', 'imp_doesnotexist']),
      runCliProcess(harness, ['import', join(harness.workDir, 'nope.csv')]),
    ]);
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('HTTP 401 unauthorized');
    expect(noToken.stderr).toContain('Authorization: Bearer');

    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('HTTP 404');
    expect(unknown.stderr).toContain('imp_doesnotexist');

    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');
  });
});

describe('stripe-bulk export and schedules', () => {
  it('exports to --out with a progress line, and status shows the export', async () => {
    const out = join(harness.workDir, 'all.csv');
    const run = await runCliProcess(harness, ['export', '--out', out]);
    expect(run.stderr).not.toContain('error:');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Export exp_\S+ completed/);
    expect(run.stdout).toContain(`File: ${out}`);
    const rows = readCsv(out);
    const live = await harness.emulator.admin.customers();
    expect(rows.map((r) => r.id).sort()).toEqual(live.map((c) => c.id).sort());
    expect(rows.map((r) => r.email)).toContain('ada@example.com');

    const id = /Export (exp_\S+)/.exec(run.stdout)?.[1] ?? '';
    const status = await runCliProcess(harness, ['status', id]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`Export ${id} completed[\\s\\S]*customers\\s+${live.length}`));
  });

  it('exports with a created filter that matches nobody: an empty file with the header', async () => {
    const out = join(harness.workDir, 'none.csv');
    const run = await runCliProcess(harness, ['export', '--out', out, '--created-lte', '2001-01-01']);
    expect(run.code).toBe(0);
    expect(readCsv(out)).toEqual([]);
    expect(readFileSync(out, 'utf8').split('\n')[0]).toContain('email');
  });

  it('creates, lists and deletes a schedule', async () => {
    const created = await runCliProcess(harness, ['schedule', 'create', '--cron', '0 3 * * *', '--tz', 'Europe/Paris', '--keep', '3']);
    expect(created.stderr).not.toContain('error:');
    expect(created.code).toBe(0);
    const id = created.stdout.trim();
    expect(id.length).toBeGreaterThan(0);

    const list = await runCliProcess(harness, ['schedules']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(id);
    expect(list.stdout).toContain('0 3 * * *');
    expect(list.stdout).toContain('Europe/Paris');

    const deleted = await runCliProcess(harness, ['schedule', 'delete', id]);
    expect(deleted.code).toBe(0);
    const after = await runCliProcess(harness, ['schedules', '--json']);
    expect((JSON.parse(after.stdout) as { id: string }[]).map((s) => s.id)).not.toContain(id);
  });

  it('rejects a bad date before calling the server', async () => {
    const run = await runCliProcess(harness, ['export', '--created-gte', 'last tuesday']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--created-gte');
  });
});
