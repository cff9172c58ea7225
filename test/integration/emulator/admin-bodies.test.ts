import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.ts';

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

const post = (path: string, body: string): Promise<Response> =>
  fetch(`${emu.url}/__emulator/${path}`, { method: 'POST', body });

// Admin bodies are parsed against a schema, not cast: a wrong shape is a 400 naming the field, never a 500.
describe('admin bodies', () => {
  it('refuses a seed whose fields have the wrong type, naming the field, and seeds nothing', async () => {
    for (const body of ['{"customers": [null]}', '{"customers": [{"balance": "ten"}]}', '{"template": {"livemode": 1}, "count": 1}']) {
      const res = await post('seed', body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/^(customers\.0|customers\.0\.balance|template\.livemode):/);
    }
    expect((await emu.admin.stats()).customers).toBe(0);
  });

  it('keeps metadata keys that are user data, __proto__ included', async () => {
    const res = await post('seed', '{"customers": [{"email": "p@x.io", "metadata": {"__proto__": "v", "plan": "pro"}}]}');
    expect(res.status).toBe(200);
    const [customer] = await emu.admin.customers();
    expect(Object.entries(customer?.metadata ?? {})).toEqual([
      ['__proto__', 'v'],
      ['plan', 'pro'],
    ]);
  });

  it('answers a clock body that is JSON null with 400, not a crash', async () => {
    const res = await post('clock', 'null');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/advanceSeconds/);
  });
});
