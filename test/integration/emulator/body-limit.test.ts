import { request } from 'node:http';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, TEST_EMULATOR_KEY, type TestEmulator } from '../../helpers/emulator.ts';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  await emu.admin.reset();
});

const TWO_MIB = 2 * 1024 * 1024;

/** POSTs a body over node:http and reads the whole answer, headers included (fetch hides Connection). */
function post(path: string, body: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${emu.url}${path}`,
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${TEST_EMULATOR_KEY}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('request bodies over the 1 MiB limit', () => {
  it('are answered 413 invalid_request_error, then the connection is closed (not reset before the answer)', async () => {
    const res = await post('/v1/customers', `description=${'x'.repeat(TWO_MIB)}`);
    expect(res.status).toBe(413);
    expect(res.headers.connection).toBe('close');
    const { error } = JSON.parse(res.body) as { error: { type: string; message: string } };
    expect(error.type).toBe('invalid_request_error');
    expect(error.message).toMatch(/too large/);
    const stats = await emu.admin.stats();
    expect(stats.requests).toEqual({ 'write:413': 1 });
    expect(stats.customers).toBe(0);
  });

  it('reach the real stripe client as a 413 error, and the emulator keeps serving', async () => {
    const err = await emu.stripe.customers
      .create({ description: 'y'.repeat(TWO_MIB) })
      .catch((e: unknown) => e as Stripe.errors.StripeError);
    expect(err).toBeInstanceOf(Stripe.errors.StripeError);
    expect(err).not.toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect((err as Stripe.errors.StripeError).statusCode).toBe(413);
    expect((await emu.stripe.customers.create({ email: 'after@x.io' })).email).toBe('after@x.io');
  });

  it('still accept a body just under the limit', async () => {
    const res = await post('/v1/customers', `metadata[k]=v&description=${'z'.repeat(1000)}`);
    expect(res.status).toBe(200);
  });
});
