import { existsSync, readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDist } from '../../../dev/worker-entry.ts';
import { createExportHarness, idsOf, type ExportHarness } from '../exports/export-harness.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';

/**
 * Production runs the compiled JavaScript (`npm run build`, then `node dist/src/worker.js`; see the Dockerfile).
 * This builds dist/ and runs a real export on a compiled worker process: the relative imports rewritten from `.ts`
 * to `.js` and the files copied beside the modules (the limiter's Lua scripts) are what it checks.
 */
describe('the compiled worker (npm run build)', () => {
  let h: ExportHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    buildDist();
    h = closing(await createExportHarness({ env: { STRIPE_READ_RPS: '200', EXPORT_PAGES_IN_FLIGHT: '8' } }));
    await h.emulator.admin.seed({ count: 900, template: { email: 'spread{i}@example.com', created: 1_650_000_000 }, createdStep: 7 });
    await h.emulator.admin.seed({ count: 300, template: { email: 'burst{i}@example.com', created: 1_660_000_000 } });
  }, 180_000);

  it('builds the entry points with their assets', () => {
    for (const file of ['dist/src/worker.js', 'dist/src/server.js', 'dist/src/emulator-server.js', 'dist/src/rate-limit/reserve-slot-6.lua', 'dist/src/http/public/index.html']) {
      expect(existsSync(file), file).toBe(true);
    }
    // Every script is read next to its module: the stores, the email lock and the limiter would fail at import.
    const scripts = ['src', 'jobs'].flatMap((dir) =>
      readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.lua')).map((f) => `${dir}/${f}`),
    );
    expect(scripts.length).toBeGreaterThanOrEqual(10);
    for (const script of scripts) expect(existsSync(`dist/${script}`), `dist/${script}`).toBe(true);
  });

  it('runs an export to the end on `node dist/src/worker.js`', async () => {
    h!.spawnWorker({}, 'compiled');
    const created = await h!.createExport();
    const done = await h!.waitFor(created.id, ['completed', 'failed'], 45_000);
    expect(done.status).toBe('completed');
    expect(done.counts.customers).toBe(1200);
    const ids = idsOf(await h!.download(created.id));
    expect(ids).toEqual((await h!.emulator.admin.customers()).map((c) => c.id));
  });
});
