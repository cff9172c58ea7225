import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/http/app.ts';
import { BOARD_PATH } from '../../../src/http/board.ts';
import { listenOnFreePort } from '../../helpers/http.ts';
import { auditKeys, customerWalkKeys } from '../../../src/redis-keys.ts';
import { apiError } from '../../helpers/api-json.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { createAuditHarness, groupsOf, seedDuplicates, type AuditHarness } from './audit-harness.ts';

describe('duplicate audit over 1,000 customers with 37 seeded groups', () => {
  let h: AuditHarness;
  let expected: Map<string, string[]>;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createAuditHarness({ BOARD_AUTH: 'off' }));
    expected = await seedDuplicates(h.emulator, 1000, 37);
    h.startWorker();
  });

  it('lists exactly the seeded groups, largest first, without a single write to Stripe', async () => {
    await h.emulator.admin.resetStats();
    const created = await h.createAudit();
    expect(created).toMatchObject({ object: 'audit', kind: 'duplicate_emails', status: 'queued' });
    const done = await h.waitFor(created.id, ['completed', 'failed']);
    expect(done.status, done.error ?? '').toBe('completed');
    const inGroups = [...expected.values()].reduce((n, ids) => n + ids.length, 0);
    expect(done.counts).toMatchObject({ customers: 1000, groups: 37, customers_in_groups: inGroups });

    const file = await h.download(created.id);
    expect(file.status).toBe(200);
    expect(file.header).toEqual([
      'group', 'normalised_email', 'customer_id', 'email', 'name', 'created', 'balance', 'delinquent', 'metadata.team',
    ]);
    const sortedExpected = new Map([...expected].map(([k, ids]) => [k, [...ids].sort()]));
    expect(groupsOf(file)).toEqual(sortedExpected);
    // The emulator's own view of the account agrees.
    const truth = (await h.emulator.admin.stats()).duplicate_emails;
    expect(new Map(truth.map((g) => [g.email, [...g.ids].sort()]))).toEqual(sortedExpected);

    const sizes = new Map<string, number>();
    for (const row of file.rows) sizes.set(row.group ?? '', (sizes.get(row.group ?? '') ?? 0) + 1);
    const bySize = [...sizes.values()];
    expect(bySize).toEqual([...bySize].sort((a, b) => b - a));
    expect([...sizes.keys()]).toEqual(Array.from({ length: 37 }, (_, i) => String(i + 1)));
    // Case variants keep their stored form in `email`; the group names the normalised one.
    const variant = file.rows.find((r) => r.email === 'DUP2@EXAMPLE.COM');
    expect(variant).toMatchObject({ normalised_email: 'dup2@example.com', name: 'Group 2', 'metadata.team': 't2', balance: '0' });

    const stats = await h.emulator.admin.stats();
    expect(Object.keys(stats.requests).filter((k) => k.startsWith('write'))).toEqual([]);
    // The export's walk: one read per 100 customers, plus a partial (or empty) last page per slice; with 8 pages in
    // flight the plan holds at most 2 × 8 unfinished slices at once, and a small account is mostly slice ends.
    expect(stats.requests['read:200']).toBeGreaterThanOrEqual(1000 / 100);
    expect(stats.requests['read:200']).toBeLessThanOrEqual(1000 / 100 + 3 * 8);

    // The index and the walk plan are gone once the file is written.
    const keys = customerWalkKeys(h.services.prefix, created.id);
    expect(await h.services.redis.exists(keys.slices, keys.emailIds, keys.groups, keys.customers, keys.metadataKeys)).toBe(0);
  });

  it('stores no email address in any key name, and no Stripe key anywhere in Redis', async () => {
    const { redis, prefix } = h.services;
    const names = await redis.keys(`${prefix}:*`);
    expect(names.filter((k) => k.includes('@'))).toEqual([]);
    const values: string[] = [];
    for (const key of names) {
      const type = await redis.type(key);
      if (type === 'string') values.push((await redis.get(key)) ?? '');
      else if (type === 'hash') values.push(...Object.entries(await redis.hgetall(key)).flat());
      else if (type === 'set') values.push(...(await redis.smembers(key)));
      else if (type === 'zset') values.push(...(await redis.zrange(key, '0', '-1')));
      else if (type === 'list') values.push(...(await redis.lrange(key, 0, -1)));
    }
    expect(values.length).toBeGreaterThan(0);
    expect(values.filter((v) => v.includes('sk_test_'))).toEqual([]);
  });

  it('the audit queue is on Bull Board with its finished job', async () => {
    const app = closing(await listenOnFreePort(createApp(h.services)));
    const res = await fetch(`${app.baseUrl}${BOARD_PATH}/api/queues?activeQueue=audit-customers&status=completed`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { queues: Array<{ name: string; jobs: Array<{ data: unknown }> }> };
    const queue = body.queues.find((q) => q.name === 'audit-customers');
    expect(queue?.jobs.map((j) => j.data)).toEqual([{ auditId: expect.stringMatching(/^aud_/) as unknown }]);
  });
});

describe('audit bad input, file before completion, cancel', () => {
  let h: AuditHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createAuditHarness());
  });

  const nothingQueued = async () => {
    expect(await h.services.queues.audit.getJobCounts('waiting', 'active', 'delayed', 'prioritized')).toEqual({
      waiting: 0, active: 0, delayed: 0, prioritized: 0,
    });
    expect(await h.services.redis.zcard(auditKeys.recent(h.services.prefix))).toBe(0);
  };

  it.each([
    [{ kind: 'near_duplicates' }, /kind: must be one of duplicate_emails/],
    [{}, /kind: must be one of duplicate_emails/],
    [{ kind: 'duplicate_emails', extra: 1 }, /extra: unknown field/],
    [[1, 2], /body/],
  ])('POST %j answers 400 naming the problem and the kinds, and queues nothing', async (body, message) => {
    const res = await h.request('POST', '/v1/audits', body);
    expect(res.status).toBe(400);
    const error = apiError(res.body);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(message);
    expect(res.body).toMatchObject({ error: { details: { kinds: ['duplicate_emails'] } } });
    await nothingQueued();
  });

  it('a form-encoded body answers 415, no body at all 400 (the kind is missing); nothing queued', async () => {
    const form = await fetch(`${h.baseUrl}/v1/audits`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'kind=duplicate_emails',
    });
    expect(form.status).toBe(415);
    expect(apiError(await form.json()).code).toBe('unsupported_media_type');
    expect((await h.request('POST', '/v1/audits')).status).toBe(400);
    await nothingQueued();
  });

  it('unknown or malformed ids answer 404', async () => {
    expect((await h.request('GET', '/v1/audits/aud_00000000000000000000')).status).toBe(404);
    expect((await h.request('GET', '/v1/audits/nope')).status).toBe(404);
    expect((await h.request('DELETE', '/v1/audits/aud_00000000000000000000')).status).toBe(404);
  });

  it('the file answers 409 until completed; DELETE cancels a queued audit and removes its job', async () => {
    const created = await h.createAudit();
    const early = await h.request('GET', `/v1/audits/${created.id}/file`);
    expect(early.status).toBe(409);
    expect(apiError(early.body).code).toBe('audit_not_ready');
    const cancelled = await h.request('DELETE', `/v1/audits/${created.id}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id: created.id, status: 'cancelled' });
    expect(await h.services.queues.audit.getJob(created.id)).toBeUndefined();
    const again = await h.request('DELETE', `/v1/audits/${created.id}`);
    expect(again.status).toBe(409);
    expect(apiError(again.body).code).toBe('audit_finished');
  });
});

describe('an audit of an account where 1,500 customers share one placeholder email', () => {
  let h: AuditHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createAuditHarness());
    await h.emulator.admin.seed({ count: 1500, template: { email: 'No-Email@Example.com', name: 'Walk-in {i}', created: 1_650_000_000 }, createdStep: 7 });
    await h.emulator.admin.seed({ count: 20, template: { email: 'solo{i}@example.com', created: 1_660_000_000 }, createdStep: 7 });
    h.startWorker();
  });

  it('lists the one group with every member once', async () => {
    const created = await h.createAudit();
    const done = await h.waitFor(created.id, ['completed', 'failed']);
    expect(done.status, done.error ?? '').toBe('completed');
    expect(done.counts).toMatchObject({ customers: 1520, groups: 1, customers_in_groups: 1500 });
    const file = await h.download(created.id);
    expect(file.rows).toHaveLength(1500);
    expect(new Set(file.rows.map((r) => r.customer_id)).size).toBe(1500);
    expect(new Set(file.rows.map((r) => r.normalised_email))).toEqual(new Set(['no-email@example.com']));
    // Oldest first within the group.
    expect(file.rows[0]?.name).toBe('Walk-in 0');
    expect(file.rows[1499]?.name).toBe('Walk-in 1499');
  });
});
