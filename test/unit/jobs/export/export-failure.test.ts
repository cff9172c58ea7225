import { mkdir } from 'node:fs/promises';
import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { stripeApiError as stripeError } from '../../../helpers/stripe-error.ts';
import { unrecoverableExportError } from '../../../../jobs/export/export-failure.ts';
import { PartFileError } from '../../../../jobs/export/part-files.ts';

const DATA_DIR = '/srv/stripe-bulk';

/** The OS error Node itself raises: mkdir under a regular file. */
async function realErrno(): Promise<NodeJS.ErrnoException> {
  try {
    await mkdir('/dev/null/exports', { recursive: true });
  } catch (err) {
    return err as NodeJS.ErrnoException;
  }
  throw new Error('mkdir under /dev/null succeeded');
}

describe('unrecoverableExportError', () => {
  it("fails at once on Stripe's 4xx other than 409 and 429, with Stripe's message", () => {
    for (const status of [400, 401, 403, 404]) {
      const err = unrecoverableExportError(stripeError(status, { message: 'Invalid query' }), DATA_DIR);
      expect(err, String(status)).toBeInstanceOf(UnrecoverableError);
      expect(err?.message).toMatch(new RegExp(`^Stripe refused the export's request: Stripe\\w+Error ${status}: Invalid query`));
    }
  });

  it('leaves to the job retries what a later attempt may get through', () => {
    expect(unrecoverableExportError(stripeError(409, { type: 'idempotency_error' }), DATA_DIR)).toBeNull();
    expect(unrecoverableExportError(stripeError(429, { code: 'rate_limit' }), DATA_DIR)).toBeNull();
    expect(unrecoverableExportError(stripeError(500, { type: 'api_error' }), DATA_DIR)).toBeNull();
    expect(unrecoverableExportError(new Error('Connection is closed.'), DATA_DIR)).toBeNull();
    const notOurs = Object.assign(new Error('exists'), { code: 'EEXIST', syscall: 'open' });
    expect(unrecoverableExportError(notOurs, DATA_DIR)).toBeNull();
  });

  it('names DATA_DIR and the OS error of a broken data directory, and a lost part file', async () => {
    const disk = unrecoverableExportError(await realErrno(), DATA_DIR);
    expect(disk?.message).toMatch(/^cannot write the export under DATA_DIR \(\/srv\/stripe-bulk\): (ENOTDIR|EEXIST) on mkdir \/dev\/null/);
    const lost = unrecoverableExportError(new PartFileError('part file p is missing but 10 bytes were checkpointed'), DATA_DIR);
    expect(lost?.message).toContain('DATA_DIR (/srv/stripe-bulk) lost the export');
  });
});
