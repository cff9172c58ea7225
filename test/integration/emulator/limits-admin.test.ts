import { afterEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.ts';

const running: TestEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function limits(url: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${url}/__emulator/limits`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

/** Sends `count` writes at once; answers how many were admitted. */
async function burst(emu: TestEmulator, count: number): Promise<number> {
  const results = await Promise.allSettled(Array.from({ length: count }, () => emu.stripe.customers.create({})));
  return results.filter((r) => r.status === 'fulfilled').length;
}

describe('POST /__emulator/limits', () => {
  it('changes the enforced limits at run time, as Stripe does in an incident, and reset restores them', async () => {
    const emu = await startTestEmulator({ writeLimit: 2, readLimit: 50 });
    running.push(emu);
    expect(await limits(emu.url)).toEqual({ status: 200, json: { readLimit: 50, writeLimit: 2, searchLimit: 100_000 } });
    expect(await burst(emu, 4)).toBe(2);

    expect(await limits(emu.url, { writeLimit: 6 })).toEqual({ status: 200, json: { readLimit: 50, writeLimit: 6, searchLimit: 100_000 } });
    // The two admitted a moment ago still count in this second: four more fit under 6.
    expect(await burst(emu, 8)).toBe(4);

    await emu.admin.reset();
    expect(await limits(emu.url)).toEqual({ status: 200, json: { readLimit: 50, writeLimit: 2, searchLimit: 100_000 } });
    // A reset emulator starts with empty windows: the writes above no longer count.
    expect(await burst(emu, 3)).toBe(2);
  });

  it('refuses unknown fields and negative or non-numeric limits, naming each, and changes nothing', async () => {
    const emu = await startTestEmulator({ writeLimit: 2 });
    running.push(emu);
    const answer = await limits(emu.url, { writeLimit: -1, readLimit: 'many', burst: 3 });
    expect(answer.status).toBe(400);
    const { error } = answer.json as { error: string };
    expect(error).toMatch(/writeLimit must be a number >= 0/);
    expect(error).toMatch(/readLimit must be a number >= 0/);
    expect(error).toMatch(/unknown field burst/);
    expect((await limits(emu.url, [1])).status).toBe(400);
    expect((await limits(emu.url)).json).toMatchObject({ writeLimit: 2 });
  });
});
