import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { HARNESS_API_TOKEN, REPO_ROOT, runCliProcess, startCliHarness, type CliHarness } from './cli-harness.ts';

// Every run is the compiled CLI, found on PATH as `stripe-bulk` (linked as `npm link` does), started in a temporary
// folder outside the checkout: relative paths and default output files are the user's folder's.

let harness: CliHarness;

const closing = closeAfterAll();

beforeAll(async () => {
  harness = closing(await startCliHarness());
}, 180_000);

/** Writes an input under `in/` of the work directory and returns its path relative to the work directory. */
function writeInput(name: string, text: string): string {
  writeFileSync(join(harness.workDir, 'in', name), text);
  return join('in', name);
}

function readCsv(path: string): Record<string, string>[] {
  return parse<Record<string, string>>(readFileSync(path), { columns: true, bom: true });
}

const importIdOf = (run: { stdout: string }): string => /Import (imp_\S+)/.exec(run.stdout)?.[1] ?? '';

async function importCount(): Promise<number> {
  const res = await fetch(`${harness.url}/v1/imports`, { headers: { authorization: `Bearer ${HARNESS_API_TOKEN}` } });
  return ((await res.json()) as { data: unknown[] }).data.length;
}

describe('stripe-bulk import', () => {
  it('waits by default, reads a relative path from the current folder and writes <input>.<imp_id>.results.csv there', async () => {
    const input = writeInput(
      'good.csv',
      'email,name,metadata.plan\nada@example.com,Ada Lovelace,pro\ngrace@example.com,"Hopper, Grace",free\nalan@example.com,Alan Turing,\n',
    );
    const run = await runCliProcess(harness, ['import', input]);
    expect(run.stderr).not.toContain('error:');
    expect(run.code).toBe(0);
    const id = importIdOf(run);
    expect(run.stdout).toMatch(/Import imp_\S+ completed/);
    expect(run.stdout).toMatch(/rows\s+3/);
    expect(run.stdout).toMatch(/created\s+3/);
    expect(run.stdout).toMatch(/unchanged\s+0/);
    expect(run.stdout).toMatch(/failed\s+0/);
    expect(run.stderr).not.toContain('\u001b[');

    const resultsPath = join(harness.workDir, `good.${id}.results.csv`);
    expect(run.stdout).toContain(`Results: ${resultsPath}`);
    // Nothing lands beside the input.
    expect(readdirSync(join(harness.workDir, 'in'))).toEqual(['good.csv']);
    expect(readCsv(resultsPath).map((r) => [r.row, r.email, r.action])).toEqual([
      ['1', 'ada@example.com', 'created'],
      ['2', 'grace@example.com', 'created'],
      ['3', 'alan@example.com', 'created'],
    ]);
  });

  it('exits 2 when rows fail; status names the outcome with its rate', async () => {
    const input = writeInput(
      'some-bad.csv',
      'email,name,address.country\nok.row@example.com,Ok Row,FR\nnot-an-email,Bad Email,US\nbad.country@example.com,Bad Country,FRA\n',
    );
    const run = await runCliProcess(harness, ['import', input, '--mode', 'upsert']);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/failed\s+2/);
    const id = importIdOf(run);
    const results = readCsv(join(harness.workDir, `some-bad.${id}.results.csv`));
    expect(results.map((r) => r.action)).toEqual(['created', 'failed', 'failed']);

    const [status, json] = await Promise.all([
      runCliProcess(harness, ['status', id]),
      runCliProcess(harness, ['status', id, '--json']),
    ]);
    expect(status.code).toBe(2);
    expect(status.stdout).toContain(`Import ${id} completed`);
    expect(status.stdout).toMatch(/rate\s+\S+ rows\/s/);
    expect(JSON.parse(json.stdout)).toMatchObject({ id, status: 'completed', mode: 'upsert', counts: { failed: 2, total: 3 } });
  });

  it('exits 1 with the server message for a bad header, and writes no results', async () => {
    const input = writeInput('bad-header.csv', 'email,nmae,favourite_colour\nx@example.com,X,blue\n');
    const run = await runCliProcess(harness, ['import', input]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('HTTP 400 invalid_header');
    expect(run.stderr).toContain('nmae');
    expect(readdirSync(harness.workDir).filter((f) => f.startsWith('bad-header'))).toEqual([]);
  });

  it('dry run: says "would create", writes nothing to Stripe, and a second dry run does not replace the first results', async () => {
    const before = (await harness.emulator.admin.stats()).customers;
    const input = writeInput('dry.csv', 'email,name\nnew.person@example.com,New Person\nada@example.com,Ada\n');
    const [first, second] = [await runCliProcess(harness, ['import', input, '--dry-run']), await runCliProcess(harness, ['import', input, '--dry-run'])];
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('dry run');
    expect(first.stdout).toMatch(/would create\s+1/);
    expect(first.stdout).not.toMatch(/^\s+created\s/m);
    expect((await harness.emulator.admin.stats()).customers).toBe(before);
    const [a, b] = [importIdOf(first), importIdOf(second)];
    expect(a).not.toBe(b);
    for (const id of [a, b]) {
      expect(readCsv(join(harness.workDir, `dry.${id}.dry-run.results.csv`)).map((r) => r.action)).toEqual(['would_create', 'skipped']);
    }
  });

  it('--no-wait prints only the id and a hint that works as installed; `wait` re-attaches and downloads the results', async () => {
    const input = writeInput('nowait.csv', 'email\nno.wait@example.com\n');
    const run = await runCliProcess(harness, ['import', input, '--no-wait']);
    expect(run.code).toBe(0);
    const id = run.stdout.trim();
    expect(id).toMatch(/^imp_[A-Za-z0-9]+$/);
    expect(run.stderr).toContain(`Follow it with: stripe-bulk wait ${id}`);

    const waited = await runCliProcess(harness, ['wait', id, '--out', 'waited.csv']);
    expect(waited.code).toBe(0);
    expect(waited.stdout).toContain(`Import ${id} completed`);
    expect(readCsv(join(harness.workDir, 'waited.csv')).map((r) => r.email)).toEqual(['no.wait@example.com']);

    const results = await runCliProcess(harness, ['results', id]);
    expect(results.code).toBe(0);
    expect(readCsv(join(harness.workDir, `nowait.${id}.results.csv`)).map((r) => r.action)).toEqual(['created']);

    // Run by its path instead of from PATH, the hint repeats that path, which works from any folder.
    const bin = join(REPO_ROOT, 'dist/bin/stripe-bulk.js');
    const byPath = await runCliProcess(harness, [], {}, harness.workDir, ['node', bin, 'import', input, '--no-wait']);
    expect(byPath.stderr).toContain(`Follow it with: node ${bin} wait ${byPath.stdout.trim()}`);
  });

  it('never overwrites an --out file silently: refuses before queueing anything, replaces it with --overwrite', async () => {
    const input = writeInput('keep.csv', 'email\nkeep.me@example.com\n');
    writeFileSync(join(harness.workDir, 'precious.csv'), 'do not touch\n');
    const imports = await importCount();
    const refused = await runCliProcess(harness, ['import', input, '--out', 'precious.csv']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already exists');
    expect(refused.stderr).toContain('--overwrite');
    expect(await importCount()).toBe(imports);
    expect(readFileSync(join(harness.workDir, 'precious.csv'), 'utf8')).toBe('do not touch\n');

    const replaced = await runCliProcess(harness, ['import', input, '--out', 'precious.csv', '--overwrite']);
    expect(replaced.code).toBe(0);
    expect(readCsv(join(harness.workDir, 'precious.csv')).map((r) => r.email)).toEqual(['keep.me@example.com']);
  });

  it('cancel: a queued import is cancelled at once; a finished one is refused', async () => {
    await harness.services.queues.import.pause();
    try {
      const input = writeInput('cancel.csv', 'email\ncancel.me@example.com\n');
      const queued = await runCliProcess(harness, ['import', input, '--no-wait']);
      const id = queued.stdout.trim();
      const cancelled = await runCliProcess(harness, ['cancel', id]);
      expect(cancelled.code).toBe(0);
      expect(cancelled.stderr).toContain(`Import ${id} cancelled`);
      const status = await runCliProcess(harness, ['status', id]);
      expect(status.code).toBe(3);
      expect(status.stdout).toContain(`Import ${id} cancelled`);
    } finally {
      await harness.services.queues.import.resume();
    }
    const done = await runCliProcess(harness, ['import', writeInput('done.csv', 'email\ndone@example.com\n')]);
    const again = await runCliProcess(harness, ['cancel', importIdOf(done)]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already completed');
  });
});

describe('stripe-bulk telling the user what to fix', () => {
  let page: Server;
  let pageUrl: string;
  beforeAll(async () => {
    page = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><head><title>Welcome to nginx!</title></head><body><h1>Welcome</h1></body></html>');
    });
    await new Promise<void>((done) => page.listen(0, '127.0.0.1', done));
    pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    page.closeAllConnections();
    await new Promise((done) => page.close(done));
  });

  it('401: set STRIPE_BULK_TOKEN or pass --token; 404 and a missing file name what is wrong', async () => {
    const [noToken, badToken, unknown, missing] = await Promise.all([
      runCliProcess(harness, ['status', 'imp_doesnotexist'], { STRIPE_BULK_TOKEN: undefined }),
      runCliProcess(harness, ['status', 'imp_doesnotexist'], { STRIPE_BULK_TOKEN: 'not-the-token-at-all' }),
      runCliProcess(harness, ['status', 'imp_doesnotexist']),
      runCliProcess(harness, ['import', 'nope.csv']),
    ]);
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('HTTP 401');
    expect(noToken.stderr).toContain('requires an API token: set STRIPE_BULK_TOKEN (or pass --token)');
    expect(badToken.stderr).toContain('rejected the API token: set STRIPE_BULK_TOKEN (or pass --token)');

    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('HTTP 404');
    expect(unknown.stderr).toContain('imp_doesnotexist');

    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`Cannot read ${join(harness.workDir, 'nope.csv')}: no such file`);
  });

  it('names the variable or flag behind a bad URL and what the URL seems to be', async () => {
    const [empty, html, emulator, emulatorFlag, down] = await Promise.all([
      runCliProcess(harness, ['status', 'imp_x'], { STRIPE_BULK_URL: '' }),
      runCliProcess(harness, ['status', 'imp_x'], { STRIPE_BULK_URL: pageUrl }),
      runCliProcess(harness, ['status', 'imp_x'], { STRIPE_BULK_URL: harness.emulator.url }),
      runCliProcess(harness, ['--url', harness.emulator.url, 'status', 'imp_x']),
      runCliProcess(harness, ['status', 'imp_x'], { STRIPE_BULK_URL: 'http://127.0.0.1:9' }),
    ]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('STRIPE_BULK_URL is set but empty');
    expect(empty.stderr).not.toContain('--url:');

    expect(html.code).toBe(1);
    expect(html.stderr).toContain(`STRIPE_BULK_URL (${pageUrl}) does not look like a stripe-bulk server`);
    expect(html.stderr).toContain('a web page (HTML), not the stripe-bulk API (HTTP 200: "Welcome to nginx!")');
    expect(html.stderr).not.toContain('<html>');

    expect(emulator.code).toBe(1);
    expect(emulator.stderr).toContain(`STRIPE_BULK_URL (${harness.emulator.url}) does not look like a stripe-bulk server`);
    expect(emulator.stderr).toContain('a Stripe API');
    expect(emulatorFlag.stderr).toContain(`--url (${harness.emulator.url}) does not look like a stripe-bulk server`);

    expect(down.code).toBe(1);
    expect(down.stderr).toContain('could not reach stripe-bulk at http://127.0.0.1:9');
    expect(down.stderr).toContain('The CLI looked at STRIPE_BULK_URL (http://127.0.0.1:9)');
  });
});

describe('stripe-bulk export, download and schedules', () => {
  it('exports to --out (relative to the current folder), and status shows the export', async () => {
    const run = await runCliProcess(harness, ['export', '--out', 'all.csv']);
    expect(run.stderr).not.toContain('error:');
    expect(run.code).toBe(0);
    const out = join(harness.workDir, 'all.csv');
    expect(run.stdout).toContain(`File: ${out}`);
    const rows = readCsv(out);
    const live = await harness.emulator.admin.customers();
    expect(rows.map((r) => r.id).sort()).toEqual(live.map((c) => c.id).sort());

    const id = /Export (exp_\S+)/.exec(run.stdout)?.[1] ?? '';
    const status = await runCliProcess(harness, ['status', id]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`Export ${id} completed[\\s\\S]*customers\\s+${live.length}`));
    expect(status.stdout).toMatch(/file size\s+\S+/);
  });

  it('--no-wait, then wait and download; download never replaces a file without --overwrite', async () => {
    const queued = await runCliProcess(harness, ['export', '--no-wait', '--created-lte', '2001-01-01']);
    expect(queued.code).toBe(0);
    const id = queued.stdout.trim();
    expect(id).toMatch(/^exp_/);
    expect(queued.stderr).toContain(`stripe-bulk wait ${id}`);

    const waited = await runCliProcess(harness, ['wait', id]);
    expect(waited.code).toBe(0);
    const file = /File: (\S+)/.exec(waited.stdout)?.[1] ?? '';
    expect(file).toMatch(new RegExp(`^${harness.workDir}/customers-${id}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
    expect(readCsv(file)).toEqual([]);
    expect(readFileSync(file, 'utf8').split('\n')[0]).toContain('email');

    const first = await runCliProcess(harness, ['download', id, '--out', 'again.csv']);
    expect(first.code).toBe(0);
    const second = await runCliProcess(harness, ['download', id, '--out', 'again.csv']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('already exists');
    const third = await runCliProcess(harness, ['download', id, '--out', 'again.csv', '--overwrite']);
    expect(third.code).toBe(0);
    expect(existsSync(join(harness.workDir, 'again.csv.part'))).toBe(false);
  });

  it("creates, lists (next run in the schedule's zone and in UTC) and deletes a schedule", async () => {
    const created = await runCliProcess(harness, ['schedule', 'create', '--cron', '0 3 * * *', '--tz', 'Europe/Paris', '--keep', '3']);
    expect(created.stderr).not.toContain('error:');
    expect(created.code).toBe(0);
    const id = created.stdout.trim();
    expect(created.stderr).toMatch(/next run \d{4}-\d{2}-\d{2} 03:00 Europe\/Paris \(0[12]:00Z\)/);

    const list = await runCliProcess(harness, ['schedules']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(id);
    expect(list.stdout).toMatch(/03:00 Europe\/Paris \(0[12]:00Z\)/);

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

describe('stripe-bulk in a terminal', () => {
  /** What a terminal finally shows of each line: the text after the last carriage return, without escape codes. */
  function visibleLines(transcript: string): string[] {
    // cli-progress returns to column 1 with CSI 1G rather than \r; ESC 7 / ESC 8 save and restore the cursor.
    const plain = transcript
      // eslint-disable-next-line no-control-regex -- terminal escape codes start with ESC: matching it is the point
      .replace(/\u001b\[1G/g, '\r')
      // eslint-disable-next-line no-control-regex -- as above
      .replace(/\u001b\[[0-9;?]*[A-Za-z]|\u001b[78]/g, '');
    return plain.split(/\r?\n/).map((line) => line.split('\r').filter((part) => part.length > 0).pop() ?? '');
  }

  it('a dry run draws one bar saying "would create", with unchanged and skipped, and no stale queued line', async () => {
    const input = writeInput('tty.csv', 'email,name\ntty.new@example.com,New\nada@example.com,Ada\n');
    // util-linux `script` gives the CLI a pseudo-terminal, as a user's shell would.
    const run = await runCliProcess(harness, [], {}, harness.workDir, ['script', '-qec', `stripe-bulk import ${input} --dry-run`, '/dev/null']);
    expect(run.code).toBe(0);
    const lines = visibleLines(run.stdout);
    const bar = lines.find((line) => line.startsWith('import imp_'));
    expect(bar).toMatch(/\[.+\] 100% \| 2\/2 rows \| .* \| would create \d, would update 0, unchanged 0, skipped \d, failed 0$/);
    expect(lines.filter((line) => line.includes('queued'))).toEqual([]);
    expect(lines.filter((line) => line.startsWith('import imp_'))).toHaveLength(1);
  });
});
