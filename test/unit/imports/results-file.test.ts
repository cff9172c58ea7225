import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countRows, openCsvRecords } from '../../../jobs/import/csv-records.ts';
import type { RowOutcome } from '../../../src/imports/import-types.ts';
import { openResultsFile, RESULTS_HEADER_LINE } from '../../../src/imports/results-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'import-results-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const line = (row: number, action: RowOutcome['action'] = 'created', message = ''): RowOutcome => ({
  row,
  email: `r${row}@example.com`,
  action,
  customerId: action === 'failed' ? '' : `cus_${row}`,
  message,
});

describe('results.csv', () => {
  it('writes the header once, appends in order, and cuts back to a checkpoint on resume', async () => {
    const path = join(dir, 'results.csv');
    const file = await openResultsFile(path, 0);
    const afterFirst = await file.append([line(1), line(2, 'failed', 'email: "x" is not an email address, see "docs"')]);
    await file.append([line(3)]);
    await file.close();
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe('row,email,action,customer_id,message');

    // A run died after writing row 3 but before checkpointing it: the resumed run starts from the checkpoint.
    const resumed = await openResultsFile(path, afterFirst);
    expect(resumed.bytes).toBe(afterFirst);
    await resumed.append([line(3, 'created', '(resumed)')]);
    await resumed.close();
    expect(readFileSync(path, 'utf8')).toBe(
      RESULTS_HEADER_LINE +
        '1,r1@example.com,created,cus_1,\n' +
        '2,r2@example.com,failed,,"email: ""x"" is not an email address, see ""docs"""\n' +
        '3,r3@example.com,created,cus_3,(resumed)\n',
    );
  });

  it('guards cells a user typed against formula injection', async () => {
    const path = join(dir, 'formula.csv');
    const file = await openResultsFile(path, 0);
    await file.append([{ row: 1, email: '=HYPERLINK("x")', action: 'failed', customerId: '', message: '@SUM(1)' }]);
    await file.close();
    expect(readFileSync(path, 'utf8')).toContain(`1,"'=HYPERLINK(""x"")",failed,,'@SUM(1)`);
  });
});

describe('countRows', () => {
  it('counts records, not lines: BOM, CRLF, quoted newlines, blank lines, ragged rows', async () => {
    const path = join(dir, 'input.csv');
    writeFileSync(path, '\uFEFFemail,description\r\na@x.com,"two\r\nlines"\r\n\r\nb@x.com\r\nc@x.com,x,extra\r\n');
    expect(await countRows(path)).toEqual({ rows: 3, malformed: undefined });
    writeFileSync(path, 'email\n');
    expect(await countRows(path)).toEqual({ rows: 0, malformed: undefined });
  });

  it('stops at the first malformed record and names it as results.csv numbers rows', async () => {
    const path = join(dir, 'malformed.csv');
    writeFileSync(path, 'email\na@x.com\n\nb@x.com\n"open\nc@x.com\n');
    expect(await countRows(path)).toEqual({
      rows: 2,
      malformed: { record: 3, afterLine: 4, message: 'the CSV is malformed at record 3 (after line 4): unterminated quote (a quoted field is never closed)' },
    });
    writeFileSync(path, 'email,name\na@x.com,"Ann"n\nb@x.com,Bob\n');
    expect((await countRows(path)).malformed?.message).toMatch(/^the CSV is malformed at record 1 \(after line 1\): a closing quote/);
  });

  it('closes the file when the records are destroyed before their end', async () => {
    const path = join(dir, 'long.csv');
    writeFileSync(path, `email\n${'a@x.com\n'.repeat(100_000)}`);
    const fds = () => readdirSync('/proc/self/fd').length;
    const before = fds();
    for (let i = 0; i < 50; i++) {
      const records = openCsvRecords(path);
      for await (const _record of records) break;
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(fds()).toBeLessThanOrEqual(before);
  });
});
