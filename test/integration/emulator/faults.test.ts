import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestEmulator, TEST_EMULATOR_KEY, type TestEmulator } from '../../helpers/emulator.ts';

const running: TestEmulator[] = [];
async function emulator(options: Parameters<typeof startTestEmulator>[0] = {}): Promise<TestEmulator> {
  const emu = await startTestEmulator(options);
  running.push(emu);
  return emu;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

/** Creates `n` customers one by one with keys `key-<i>`; returns which of them answered 500. */
async function createSequence(emu: TestEmulator, n: number): Promise<number[]> {
  const failed: number[] = [];
  for (let i = 0; i < n; i += 1) {
    try {
      await emu.stripe.customers.create({ email: `u${i}@x.io` }, { idempotencyKey: `key-${i}` });
    } catch (err) {
      const e = err as Stripe.errors.StripeError;
      expect(e).toBeInstanceOf(Stripe.errors.StripeAPIError);
      expect(e.statusCode).toBe(500);
      expect(e.type).toBe('StripeAPIError');
      failed.push(i);
    }
  }
  return failed;
}

/** A raw create over fetch (no retry of any kind), so a dropped connection is seen as it is. */
function rawCreate(emu: TestEmulator, email: string, idempotencyKey: string): Promise<Response> {
  return fetch(`${emu.url}/v1/customers`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${TEST_EMULATOR_KEY}`,
      'Content-Type': 'application/x-www-form-urlencoded',
      'Idempotency-Key': idempotencyKey,
    },
    body: `email=${encodeURIComponent(email)}`,
  });
}

describe('injected 5xx (errorRate)', () => {
  it('fails about that share of requests with a Stripe api_error 500, commits nothing, and repeats with a seed', async () => {
    const a = await emulator({ errorRate: 0.05, faultSeed: 7 });
    const failedA = await createSequence(a, 200);
    // Generous bounds: the seeded dice decide, the share only has to be in the neighbourhood of 5%.
    expect(failedA.length).toBeGreaterThan(0);
    expect(failedA.length).toBeLessThan(30);
    const stats = await a.admin.stats();
    expect(stats.faults).toEqual({ errors_before_work: failedA.length, errors_after_write: 0, resets_after_create: 0 });
    expect(stats.requests['write:500']).toBe(failedA.length);
    expect(stats.customers).toBe(200 - failedA.length);
    // Nothing was kept for the failed keys: their retry runs genuinely and creates the customer once.
    await a.admin.faults({ errorRate: 0 });
    for (const i of failedA) {
      const c = await a.stripe.customers.create({ email: `u${i}@x.io` }, { idempotencyKey: `key-${i}` });
      expect(c.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    }
    const after = await a.admin.stats();
    expect(after.customers).toBe(200);
    expect(after.duplicate_emails).toEqual([]);

    const b = await emulator({ errorRate: 0.05, faultSeed: 7 });
    expect(await createSequence(b, 200)).toEqual(failedA);
  });

  it('is switched on and off on a running emulator by POST /__emulator/faults', async () => {
    const emu = await emulator();
    await emu.stripe.customers.create({});
    expect(await emu.admin.faults({ errorRate: 1 })).toMatchObject({ errorRate: 1, resetAfterCreateCount: 0 });
    const err = await emu.stripe.customers.list().catch((e: unknown) => e as Stripe.errors.StripeError);
    expect(err).toBeInstanceOf(Stripe.errors.StripeAPIError);
    await emu.admin.faults({ errorRate: 0 });
    expect((await emu.stripe.customers.list()).data).toHaveLength(1);
    const stats = await emu.admin.stats();
    expect(stats.faults.errors_before_work).toBe(1);
    expect(stats.requests).toEqual({ 'read:200': 1, 'read:500': 1, 'write:200': 1 });
  });

  it('refuses a bad fault setting with 400 naming it, and changes nothing', async () => {
    const emu = await emulator();
    const res = await fetch(`${emu.url}/__emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ errorRate: 2, resetAfterCreateCount: 1.5, failRate: 0.1 }),
    });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: string };
    expect(error).toContain('errorRate');
    expect(error).toContain('resetAfterCreateCount');
    expect(error).toContain('unknown field failRate');
    const current = (await (await fetch(`${emu.url}/__emulator/faults`)).json()) as Record<string, unknown>;
    expect(current).toMatchObject({ errorRate: 0, resetAfterCreateCount: 0 });
  });
});

describe('connection reset after the create committed (resetAfterCreate*)', () => {
  it('saves the customer and its idempotent result, then drops the socket unanswered', async () => {
    const emu = await emulator({ resetAfterCreateCount: 1 });
    await expect(rawCreate(emu, 'r@x.io', 'idem-reset-raw')).rejects.toThrow();
    let stats = await emu.admin.stats();
    expect(stats.customers).toBe(1);
    expect(stats.faults.resets_after_create).toBe(1);
    expect(stats.requests).toEqual({ 'write:reset': 1 });
    // The retry with the same key gets the saved answer, as Stripe would give it.
    const retry = await rawCreate(emu, 'r@x.io', 'idem-reset-raw');
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const body = (await retry.json()) as { id: string };
    expect((await emu.admin.customers()).map((c) => c.id)).toEqual([body.id]);
    stats = await emu.admin.stats();
    expect(stats.customers).toBe(1);
  });

  it('lets the real stripe client recover: it retries the reset with the same key and gets the same customer', async () => {
    const emu = await emulator();
    await emu.admin.faults({ resetAfterCreateCount: 3 });
    // stripe-node retries an ECONNRESET once even with maxNetworkRetries 0, and keys every POST for that retry.
    const created = await Promise.all(['a', 'b', 'c', 'd'].map((n) => emu.stripe.customers.create({ email: `${n}@x.io` })));
    const stats = await emu.admin.stats();
    expect(stats.faults.resets_after_create).toBe(3);
    expect(stats.customers).toBe(4);
    expect(stats.duplicate_emails).toEqual([]);
    expect(created.filter((c) => c.lastResponse.headers['idempotent-replayed'] === 'true')).toHaveLength(3);
    expect(new Set(created.map((c) => c.id)).size).toBe(4);
  });

  it('resets a seeded share of creates; with retries every create still lands exactly once', async () => {
    const emu = await emulator({ resetAfterCreateRate: 0.3, faultSeed: 3 });
    const client = emu.client({ maxNetworkRetries: 5 });
    const emails = Array.from({ length: 40 }, (_, i) => `share${i}@x.io`);
    const created = await Promise.all(emails.map((email) => client.customers.create({ email })));
    const stats = await emu.admin.stats();
    expect(stats.faults.resets_after_create).toBeGreaterThan(0);
    expect(stats.requests['write:reset']).toBe(stats.faults.resets_after_create);
    expect(stats.customers).toBe(40);
    expect(stats.duplicate_emails).toEqual([]);
    expect(created.map((c) => c.email)).toEqual(emails);
  });

  it('leaves other writes alone: updates are never reset', async () => {
    const emu = await emulator();
    const c = await emu.stripe.customers.create({});
    await emu.admin.faults({ resetAfterCreateCount: 1 });
    await emu.stripe.customers.update(c.id, { name: 'N' });
    expect((await emu.admin.stats()).faults.resets_after_create).toBe(0);
  });
});

describe('movable clock (POST /__emulator/clock)', () => {
  it('moves created of new customers forward', async () => {
    const emu = await emulator();
    const before = await emu.stripe.customers.create({});
    const moved = await emu.admin.advanceClock(3600);
    expect(moved.offset_s).toBe(3600);
    const after = await emu.stripe.customers.create({});
    expect(after.created - before.created).toBeGreaterThanOrEqual(3600);
    expect(after.created - before.created).toBeLessThan(3600 + 60);
    expect((await emu.admin.stats()).clock_offset_s).toBe(3600);
    // Newest first still holds across the jump.
    expect((await emu.stripe.customers.list()).data.map((c) => c.id)).toEqual([after.id, before.id]);
  });

  it("forgets an idempotency key after Stripe's 24 hours by the emulator's clock, not before", async () => {
    const emu = await emulator();
    const key = 'idem-24h';
    const first = await emu.stripe.customers.create({ email: 'day@x.io' }, { idempotencyKey: key });
    await emu.admin.advanceClock(24 * 3600 - 120);
    const replayed = await emu.stripe.customers.create({ email: 'day@x.io' }, { idempotencyKey: key });
    expect(replayed.id).toBe(first.id);
    expect(replayed.lastResponse.headers['idempotent-replayed']).toBe('true');
    await emu.admin.advanceClock(240);
    const anew = await emu.stripe.customers.create({ email: 'day@x.io' }, { idempotencyKey: key });
    expect(anew.id).not.toBe(first.id);
    expect(anew.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect(anew.created - first.created).toBeGreaterThanOrEqual(24 * 3600);
    // vitest types its asymmetric matchers `any`; `unknown` is all toEqual needs.
    const both: unknown = expect.arrayContaining([first.id, anew.id]);
    expect((await emu.admin.stats()).duplicate_emails).toEqual([{ email: 'day@x.io', ids: both }]);
  });

  it('refuses to move backward, and reset puts it back', async () => {
    const emu = await emulator();
    const res = await fetch(`${emu.url}/__emulator/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds: -5 }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain('advanceSeconds');
    await emu.admin.advanceClock(100);
    await emu.admin.reset();
    const clock = (await (await fetch(`${emu.url}/__emulator/clock`)).json()) as { offset_s: number; now: number };
    expect(clock.offset_s).toBe(0);
    expect(Math.abs(clock.now - Date.now() / 1000)).toBeLessThan(60);
  });
});
