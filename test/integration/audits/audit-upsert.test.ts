import type { Processor } from 'bullmq';
import { parse } from 'csv-parse/sync';
import express from 'express';
import { beforeAll, describe, expect, it } from 'vitest';
import { createImportProcessor, IMPORT_WORKER_OPTIONS } from '../../../jobs/import-customers.ts';
import { errorHandler } from '../../../src/http/middleware/error-handler.ts';
import { createImportRouter } from '../../../src/http/routes/import-routes.ts';
import { importSchema } from '../../../src/imports/import-schema.ts';
import { QUEUE_NAMES } from '../../../src/queues/names.ts';
import { listenOnFreePort } from '../../helpers/http.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { startQueueWorker } from '../../helpers/workers.ts';
import { createAuditHarness, type AuditHarness } from './audit-harness.ts';

describe("mode=upsert imports skip the emails of the latest completed audit's groups", () => {
  let h: AuditHarness;
  let importsUrl: string;
  let ann: string;
  let bob: string;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createAuditHarness());
    const app = express();
    app.use('/v1/imports', createImportRouter(h.services));
    app.use(errorHandler(h.services.logger));
    importsUrl = closing(await listenOnFreePort(app)).baseUrl;
    const worker = startQueueWorker(h.services, QUEUE_NAMES.import, createImportProcessor(h.services) as Processor, IMPORT_WORKER_OPTIONS);
    closing.defer(() => worker.close());
    h.startWorker();
    [ann = '', , bob = ''] = (
      await h.emulator.admin.seed([
        { email: 'ann@example.com', name: 'Ann' },
        { email: 'Ann@Example.com', name: 'Ann twin' },
        { email: 'bob@example.com', name: 'Bob' },
      ])
    ).ids;
  });

  async function upsert(text: string): Promise<Array<Record<string, string>>> {
    const res = await fetch(`${importsUrl}/v1/imports?mode=upsert`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: text });
    const { id } = importSchema.pick({ id: true }).parse(await res.json());
    const deadline = Date.now() + 30_000;
    for (;;) {
      const record = importSchema.parse(await (await fetch(`${importsUrl}/v1/imports/${id}`)).json());
      if (record.status === 'completed') break;
      if (Date.now() > deadline) throw new Error(`import ${id} is ${record.status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return parse(await (await fetch(`${importsUrl}/v1/imports/${id}/results`)).text(), { columns: true });
  }

  it('before any audit the look-up finds one Ann and updates her; after the audit the row is skipped as ambiguous', async () => {
    const before = await upsert('email,name\nann@example.com,Ann A\n');
    expect(before[0]).toMatchObject({ action: 'updated', customer_id: ann });

    const audit = await h.createAudit();
    expect((await h.waitFor(audit.id, ['completed'])).counts.groups).toBe(1);
    const after = await upsert('email,name\nann@example.com,Ann B\nbob@example.com,Bobby\n');
    expect(after[0]).toMatchObject({
      action: 'skipped',
      customer_id: '',
      message: `ambiguous: audit ${audit.id} found 2 customers sharing this email; merge them, then run a new audit`,
    });
    expect(after[1]).toMatchObject({ action: 'updated', customer_id: bob });
    const live = await h.emulator.admin.customers();
    expect(live.find((c) => c.id === ann)?.name).toBe('Ann A');
  });

  it('a newer audit that finds no group lets the email through again', async () => {
    await h.emulator.stripe.customers.del((await h.emulator.admin.customers()).find((c) => c.name === 'Ann twin')?.id ?? '');
    const audit = await h.createAudit();
    expect((await h.waitFor(audit.id, ['completed'])).counts.groups).toBe(0);
    const rows = await upsert('email,name\nann@example.com,Ann C\n');
    expect(rows[0]).toMatchObject({ action: 'updated', customer_id: ann });
  });
});
