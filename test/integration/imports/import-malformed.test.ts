import { beforeAll, describe, expect, it } from 'vitest';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { createImportHarness, type ImportHarness } from './import-harness.ts';

const rows = (from: number, count: number) => Array.from({ length: count }, (_, i) => `user${from + i}@example.com,User ${from + i}\n`).join('');

/**
 * A file whose header is fine but whose body stops being CSV further down: the upload is accepted (only the header
 * is checked before queueing), the rows before the broken record are processed and reported once each, and the
 * job fails at once (no retry) naming the record.
 */
describe('an import whose CSV is malformed after the header', () => {
  let h: ImportHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createImportHarness());
    h.startWorker();
  });

  async function expectFailedAt(csvText: string, record: number, reason: RegExp): Promise<void> {
    const id = await h.importCsv(csvText);
    const ended = await h.waitFor(id, ['failed', 'completed']);
    expect(ended.status).toBe('failed');
    expect(ended.error).toMatch(new RegExp(`the CSV is malformed at record ${record} \\(after line ${record}\\): `));
    expect(ended.error).toMatch(reason);
    expect(ended.counts).toMatchObject({ total: record - 1, processed: record - 1, created: record - 1 });
    const results = await h.results(id);
    expect(results.map((r) => Number(r.row))).toEqual(Array.from({ length: record - 1 }, (_, i) => i + 1));
    expect(results.every((r) => r.action === 'created')).toBe(true);
    // UnrecoverableError: one attempt, not three (the file can never parse).
    const job = await h.services.queues.import.getJob(id);
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason).toMatch(/malformed at record/);
  }

  it('a quote opened and never closed: the rows before it end created, then the job fails naming the record', async () => {
    await expectFailedAt(`email,name\n${rows(0, 1233)}"user1233@example.com,User\n${rows(1234, 50)}`, 1234, /unterminated quote/);
  });

  it('a closing quote followed by other characters, mid-file (more records buffered behind it)', async () => {
    await expectFailedAt(`email,name\n${rows(5000, 999)}user5999@example.com,"User"x\n${rows(6000, 3000)}`, 1000, /closing quote/);
  });
});
