import { beforeAll, describe, expect, it } from 'vitest';
import { newExportId } from '../../../src/exports/export-ids.ts';
import { ExportStore } from '../../../src/exports/export-store.ts';
import { OPENAPI_DOCUMENT } from '../../../src/http/openapi/openapi-document.ts';
import { exportKeys } from '../../../src/redis-keys.ts';
import { apiError, apiList, apiRecord } from '../../helpers/api-json.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { columnOf, createExportHarness, idsOf, type ExportHarness, type ExportJson } from './export-harness.ts';

const T = 1_700_000_000;

describe('accounts export: columns', () => {
  let h: ExportHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createExportHarness());
    await h.emulator.admin.seedAccounts({
      accounts: [
        {
          type: 'express',
          email: 'shop@x.io',
          country: 'FR',
          business_type: 'company',
          business_profile: { name: '=HYPERLINK("x")', url: 'https://shop.example', mcc: '5734' },
          charges_enabled: true,
          payouts_enabled: false,
          details_submitted: true,
          requirements: { disabled_reason: 'requirements.past_due', currently_due: ['external_account', 'tos_acceptance.date'] },
          capabilities: { transfers: 'active', card_payments: 'pending' },
          metadata: { crm: '42', 'z,key': 'a "b"' },
          created: T + 10,
        },
        { type: 'standard', email: null, country: 'US', capabilities: { link_payments: 'inactive' }, metadata: { alpha: '+1 555' }, created: T },
      ],
    });
    await h.emulator.admin.seed({ count: 5, template: { email: 'c{i}@x.io', created: T + 5 } });
    h.startWorker();
  });

  it('writes the issue\'s columns, one capabilities.<name> column per capability present and every metadata key, guarded', async () => {
    const { record, file } = await h.exportFile({ object: 'accounts' });
    expect(record).toMatchObject({ options: { object: 'accounts' }, counts: { objects: 2, customers: 2 } });
    expect(record.file?.name).toMatch(/^accounts-exp_[A-Za-z0-9]{20}-\d{4}-\d{2}-\d{2}\.csv$/);
    // What Bull Board shows of the job: its progress names the object and counts it.
    const job = await h.services.queues.export.getJob(record.id);
    expect(job?.progress).toMatchObject({ object: 'accounts', objects: 2 });
    // The job completes in BullMQ a moment after its record does.
    await expect.poll(async () => (await h.services.queues.export.getJob(record.id))?.returnvalue as unknown, { timeout: 10_000 }).toMatchObject({ object: 'accounts', objects: 2 });
    expect(file.header).toEqual([
      'id', 'type', 'controller.type', 'email', 'country', 'default_currency', 'business_type', 'business_profile.name',
      'business_profile.url', 'business_profile.mcc', 'charges_enabled', 'payouts_enabled', 'details_submitted',
      'requirements.disabled_reason', 'requirements.currently_due',
      'capabilities.card_payments', 'capabilities.link_payments', 'capabilities.transfers',
      'created', 'metadata.alpha', 'metadata.crm', 'metadata.z,key',
    ]);
    const [shop, standard] = (await h.emulator.admin.accounts()).map((a) => a.id);
    expect(idsOf(file)).toEqual([shop, standard]);
    const row = (i: number) => Object.fromEntries(file.header.map((c, j) => [c, file.rows[i]?.[j]]));
    expect(row(0)).toEqual({
      id: shop, type: 'express', 'controller.type': 'application', email: 'shop@x.io', country: 'FR', default_currency: 'eur',
      business_type: 'company', 'business_profile.name': `'=HYPERLINK("x")`, 'business_profile.url': 'https://shop.example',
      'business_profile.mcc': '5734', charges_enabled: 'true', payouts_enabled: 'false', details_submitted: 'true',
      'requirements.disabled_reason': 'requirements.past_due', 'requirements.currently_due': 'external_account;tos_acceptance.date',
      'capabilities.card_payments': 'pending', 'capabilities.link_payments': '', 'capabilities.transfers': 'active',
      created: new Date((T + 10) * 1000).toISOString().replace('.000', ''), 'metadata.alpha': '', 'metadata.crm': '42', 'metadata.z,key': 'a "b"',
    });
    expect(row(1)).toMatchObject({ type: 'standard', 'controller.type': 'account', email: '', 'capabilities.link_payments': 'inactive', 'metadata.alpha': "'+1 555" });
  });

  it('never mixes the objects: a customers export holds no account, an accounts export no customer', async () => {
    const customers = await h.exportFile();
    expect(idsOf(customers.file)).toHaveLength(5);
    expect(idsOf(customers.file).every((id) => id.startsWith('cus_'))).toBe(true);
    expect(customers.record.options.object).toBe('customers');
    const accounts = await h.exportFile({ object: 'accounts', columns: ['id', 'capabilities.transfers', 'created'] });
    expect(accounts.file.header).toEqual(['id', 'capabilities.transfers', 'created']);
    expect(idsOf(accounts.file).every((id) => id.startsWith('acct_'))).toBe(true);
    expect(accounts.file.rows.map((r) => r[1])).toEqual(['active', '']);
    const window = await h.exportFile({ object: 'accounts', created: { gt: T }, columns: ['id'] });
    expect(idsOf(window.file)).toEqual([(await h.emulator.admin.accounts())[0]?.id]);
  });

  it('reads a record stored before `object` existed as a customers export, and documents object in /openapi.json', async () => {
    const store = new ExportStore(h.services.redis, h.services.config.queuePrefix);
    const id = newExportId();
    await store.create({ id, options: {} });
    expect(await h.services.redis.hget(exportKeys.record(h.services.config.queuePrefix, id), 'options')).toBe('{}');
    expect((await store.get(id))?.options).toEqual({ object: 'customers' });
    expect(await store.cancel(id)).toBe('queued');
    const schemas = OPENAPI_DOCUMENT.components.schemas as Record<string, { properties: Record<string, unknown>; description?: string }>;
    expect(schemas.ExportOptions?.properties.object).toMatchObject({ enum: ['customers', 'accounts', 'team_members'], default: 'customers' });
    expect(schemas.ExportOptions?.description).toContain('capabilities.<name>');
    expect(schemas.Export?.properties.counts).toMatchObject({ properties: { objects: { type: 'integer' } } });
  });

  it('refuses bad input with a 400 naming the field, and queues nothing', async () => {
    const before = apiList((await h.request('GET', '/v1/exports?limit=100')).body).length;
    // The previous export's job may still be finishing (`active`): only new jobs matter here.
    const counts = await h.services.queues.export.getJobCounts('waiting', 'delayed');
    const cases: Array<[unknown, string[]]> = [
      [{ object: 'users' }, ['object: must be one of customers, accounts']],
      [{ object: 'accounts', query: "email:'a@x.io'" }, ['query: only a customers export takes it (object is accounts)']],
      [{ object: 'accounts', email: 'a@x.io' }, ['email: only a customers export takes it']],
      [{ object: 'accounts', metadata_columns: ['crm'] }, ['metadata_columns: only a customers export takes it']],
      [{ object: 'accounts', columns: ['id', 'name'] }, ["columns.1: unknown column 'name' for object accounts"]],
      [{ columns: ['id', 'charges_enabled'] }, ["columns.1: unknown column 'charges_enabled' for object customers"]],
      [{ object: 'accounts', columns: ['id', 'password'] }, ["unknown column 'password'"]],
    ];
    for (const [body, expected] of cases) {
      const res = await h.request('POST', '/v1/exports', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      for (const text of expected) expect(apiError(res.body).message, JSON.stringify(body)).toContain(text);
    }
    const schedule = await h.request('POST', '/v1/export-schedules', { cron: '0 3 * * *', object: 'accounts', query: "email:'a@x.io'" });
    expect(schedule.status).toBe(400);
    expect(apiError(schedule.body).message).toContain('query: only a customers export takes it');
    expect(await h.services.queues.export.getJobCounts('waiting', 'delayed')).toEqual(counts);
    expect(apiList((await h.request('GET', '/v1/exports?limit=100')).body)).toHaveLength(before);
  });
});

describe('accounts export: 5,000 accounts with bursts, exactly once', () => {
  let h: ExportHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createExportHarness({ env: { EXPORT_PAGES_IN_FLIGHT: '8' } }));
    // Spread accounts, then bursts: 700 and 450 created in one second each (several pages inside one second).
    await h.emulator.admin.seedAccounts({ count: 3000, template: { email: 'a{i}@x.io', metadata: { n: '{i}' }, created: T - 40_000 }, createdStep: 11 });
    await h.emulator.admin.seedAccounts({ count: 700, template: { email: 'burst{i}@x.io', created: T + 5000 } });
    await h.emulator.admin.seedAccounts({ count: 450, template: { email: 'burst2-{i}@x.io', created: T + 20_000 } });
    await h.emulator.admin.seedAccounts({ count: 850, template: { email: 'old{i}@x.io', created: T - 900_000, capabilities: { transfers: 'active' } }, createdStep: 1000 });
    await h.emulator.admin.seed({ count: 200, template: { email: 'cust{i}@x.io', created: T + 5000 } });
    h.startWorker();
  });

  it('holds every account once, newest first, and no customer', { timeout: 120_000 }, async () => {
    const { record, file } = await h.exportFile({ object: 'accounts' });
    const expected = (await h.emulator.admin.accounts()).map((a) => a.id);
    expect(expected).toHaveLength(5000);
    const ids = idsOf(file);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(expected));
    expect(ids).toEqual(expected);
    expect(record.counts).toMatchObject({ objects: 5000, customers: 5000 });
    expect(file.rows.filter((r) => r[columnOf(file, 'capabilities.transfers')] === 'active')).toHaveLength(850);
    expect(file.rows.filter((r) => r[columnOf(file, 'metadata.n')] !== '')).toHaveLength(3000);
    // Every read went through the shared read budget to GET /v1/accounts, never /v1/customers.
    const stats = await h.emulator.admin.stats();
    expect(stats.accounts).toBe(5000);
    expect(stats.customers).toBe(200);
  });
});

describe('accounts export on a schedule', () => {
  let h: ExportHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createExportHarness({ env: { EXPORT_SCHEDULE_MIN_INTERVAL_MINUTES: '0' } }));
    await h.emulator.admin.seedAccounts({ count: 12, template: { email: 'acct{i}@x.io', created: T }, createdStep: 60 });
    await h.emulator.admin.seed({ count: 4, template: { email: 'c{i}@x.io' } });
    h.startWorker();
  });

  it('runs object=accounts with its retention, each run an accounts file', { timeout: 60_000 }, async () => {
    const created = await h.request('POST', '/v1/export-schedules', { cron: '* * * * * *', keep: 1, object: 'accounts', columns: ['id', 'email'] });
    expect(created.status).toBe(201);
    const schedule = apiRecord(created.body);
    expect(schedule).toMatchObject({ options: { object: 'accounts' } });
    const runs = async (): Promise<ExportJson[]> =>
      ((await h.request('GET', `/v1/exports?schedule_id=${schedule.id}&limit=100`)).body as { data: ExportJson[] }).data;
    const deadline = Date.now() + 30_000;
    while ((await runs()).filter((r) => r.status === 'completed' || r.status === 'expired').length < 2) {
      if (Date.now() > deadline) throw new Error(`runs: ${JSON.stringify((await runs()).map((r) => r.status))}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await h.request('DELETE', `/v1/export-schedules/${schedule.id}`)).status).toBe(200);
    while ((await runs()).some((r) => r.status === 'queued' || r.status === 'running')) {
      if (Date.now() > deadline + 15_000) throw new Error('runs did not settle');
      await new Promise((r) => setTimeout(r, 200));
    }
    const all = await runs();
    expect(all.every((r) => r.options.object === 'accounts')).toBe(true);
    expect(all.filter((r) => r.status === 'completed')).toHaveLength(1);
    expect(all.some((r) => r.status === 'expired')).toBe(true);
    const kept = all.find((r) => r.status === 'completed');
    const file = await h.download(kept?.id ?? '');
    expect(file.header).toEqual(['id', 'email']);
    expect(idsOf(file)).toEqual((await h.emulator.admin.accounts()).map((a) => a.id));
  });
});
