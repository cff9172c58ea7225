import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createScimRateLimiter } from '../../../src/rate-limit/scim-limiter.ts';
import { createScimClient, type ScimClient } from '../../../src/scim/scim-client.ts';
import { ScimRequestError } from '../../../src/scim/scim-error.ts';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.ts';
import { scimAdmin, scimUrl, TEST_SCIM_TOKEN } from '../../helpers/scim-emulator.ts';
import { createTestServices, type TestServices } from '../../helpers/services.ts';

let emulator: TestEmulator;
let services: TestServices;

/** A client whose shared budget is `rps` per second (STRIPE_SCIM_RATE), on the test Redis. */
function client(rps: number, token = TEST_SCIM_TOKEN): ScimClient {
  const config = { ...services.config, scim: { ...services.config.scim, rps } };
  return createScimClient({
    url: scimUrl(emulator.url),
    token,
    timeoutMs: 5_000,
    limiter: createScimRateLimiter(services.redis, config),
    backoff: { baseMs: 20, capMs: 200 },
  });
}

beforeAll(async () => {
  emulator = await startTestEmulator();
  services = createTestServices({ emulatorUrl: emulator.url });
});

beforeEach(async () => {
  await emulator.admin.reset();
});

afterAll(async () => {
  await services.close();
  await emulator.close();
});

describe('SCIM client', () => {
  it('gets every answer through 429s: the emulator refuses a budget set too high, the client backs off and retries', async () => {
    const { ids } = await scimAdmin(emulator.url).add({ count: 20 });
    await scimAdmin(emulator.url).setLimit(5);
    const scim = client(50);
    const users = await Promise.all(ids.map((id) => scim.getUser(id)));
    expect(users.map((u) => u?.id)).toEqual(ids);
    const stats = (await emulator.admin.stats()).scim;
    expect(stats.rate_limited).toBeGreaterThan(0);
    expect(stats.requests['GET:200']).toBe(20);
  });

  it('stays within its own budget when it is the lower one', async () => {
    const { ids } = await scimAdmin(emulator.url).add({ count: 12 });
    await scimAdmin(emulator.url).setLimit(5);
    await emulator.admin.resetStats();
    await Promise.all(ids.map((id) => client(4).getUser(id)));
    const stats = (await emulator.admin.stats()).scim;
    expect(stats.rate_limited).toBe(0);
    expect(stats.max_in_one_second).toBeLessThanOrEqual(5);
  });

  it('answers null for an unknown user and throws a non-retryable error naming the status for a bad token or filter', async () => {
    expect(await client(100).getUser('usr_missing')).toBeNull();
    const bad = await client(100, 'wrong-token').listUsers({ startIndex: 1, count: 1 }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ScimRequestError);
    expect((bad as ScimRequestError).status).toBe(401);
    expect((bad as ScimRequestError).retryable).toBe(false);
    expect((bad as Error).message).not.toContain('wrong-token');
    const filter = await client(100).listUsers({ startIndex: 1, count: 1, filter: 'title pr' }).catch((e: unknown) => e);
    expect(filter).toMatchObject({ status: 400, scimType: 'invalidFilter' });
  });
});
