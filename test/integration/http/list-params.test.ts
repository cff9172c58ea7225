import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/http/app.ts';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.ts';
import { listenOnFreePort, type ListeningApp } from '../../helpers/http.ts';
import { createTestServices, type TestServices } from '../../helpers/services.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';

/** Both list routes read limit and starting_after with one parser: the same query gets the same verdict. */
describe('list parameters of /v1/imports and /v1/exports', () => {
  let emulator: TestEmulator;
  let services: TestServices;
  let listening: ListeningApp;
  const ids: Record<string, string[]> = { imports: [], exports: [] };

  const closing = closeAfterAll();
  beforeAll(async () => {
    emulator = closing(await startTestEmulator());
    services = closing(createTestServices({ emulatorUrl: emulator.url }));
    listening = closing(await listenOnFreePort(createApp(services)));
    // No worker: three queued imports and three queued exports, created in order.
    for (let i = 0; i < 3; i++) {
      const imp = await fetch(`${listening.baseUrl}/v1/imports`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: `email\nl${i}@example.com\n` });
      ids.imports!.push(((await imp.json()) as { id: string }).id);
      const exp = await fetch(`${listening.baseUrl}/v1/exports`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      ids.exports!.push(((await exp.json()) as { id: string }).id);
      await new Promise((r) => setTimeout(r, 5)); // distinct creation times (the lists' scores are ms)
    }
  });

  const list = async (path: string) => {
    const res = await fetch(`${listening.baseUrl}${path}`);
    return { status: res.status, body: (await res.json()) as { data?: { id: string }[]; error?: { code: string; message: string } } };
  };

  for (const kind of ['imports', 'exports'] as const) {
    it(`${kind}: refuses limits that are not plain decimal digits from 1 to 100`, async () => {
      for (const limit of ['0x2', '1e0', '2.0', '+2', ' 2', '0', '101', '-1', '', 'two', '0002']) {
        const res = await list(`/v1/${kind}?limit=${encodeURIComponent(limit)}`);
        expect(res.status, `limit=${limit}`).toBe(400);
        expect(res.body.error?.code).toBe('invalid_request');
        expect(res.body.error?.message).toContain('limit: must be a whole number from 1 to 100');
      }
      const twice = await list(`/v1/${kind}?limit=1&limit=2`);
      expect(twice.status).toBe(400);
      expect(twice.body.error?.message).toContain('limit: give it once');
      expect((await list(`/v1/${kind}?limit=100`)).status).toBe(200);
    });

    it(`${kind}: pages newest first with starting_after`, async () => {
      const newestFirst = [...ids[kind]!].reverse();
      const first = await list(`/v1/${kind}?limit=2`);
      expect(first.body.data?.map((r) => r.id)).toEqual(newestFirst.slice(0, 2));
      const second = await list(`/v1/${kind}?limit=2&starting_after=${newestFirst[1]}`);
      expect(second.body.data?.map((r) => r.id)).toEqual(newestFirst.slice(2));
      const end = await list(`/v1/${kind}?starting_after=${newestFirst[2]}`);
      expect(end.body.data).toEqual([]);
      const malformed = await list(`/v1/${kind}?starting_after=nope`);
      expect(malformed.status).toBe(400);
      expect(malformed.body.error?.message).toContain('starting_after: not an');
      const stranger = kind === 'imports' ? 'imp_AAAAAAAAAAAAAAAA' : 'exp_AAAAAAAAAAAAAAAAAAAA';
      const unknown = await list(`/v1/${kind}?starting_after=${stranger}`);
      expect(unknown.status).toBe(400);
      expect(unknown.body.error?.message).toContain('is not in this list');
    });
  }
});
