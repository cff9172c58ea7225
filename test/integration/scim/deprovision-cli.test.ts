import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.ts';
import { createApp } from '../../../src/http/app.ts';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.ts';
import { scimAdmin, scimUrl, TEST_SCIM_TOKEN } from '../../helpers/scim-emulator.ts';
import { createTestServices, type TestServices } from '../../helpers/services.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  return {
    stream: new Writable({
      write(chunk: Buffer, _enc, done) {
        text += chunk.toString();
        done();
      },
    }),
    text: () => text,
  };
}

describe('stripe-bulk deprovision FILE', () => {
  let emulator: TestEmulator;
  let services: TestServices;
  let url = '';
  let workDir = '';
  const closing = closeAfterAll();
  beforeAll(async () => {
    emulator = closing(await startTestEmulator());
    services = closing(createTestServices({ emulatorUrl: emulator.url, env: { STRIPE_SCIM_URL: scimUrl(emulator.url), STRIPE_SCIM_TOKEN: TEST_SCIM_TOKEN, BOARD_AUTH: 'off' } }));
    services.startWorkers();
    const server: Server = await new Promise((done) => {
      const s = createApp(services).listen(0, '127.0.0.1', () => done(s));
    });
    closing.defer(() => new Promise((done) => {
      server.closeAllConnections();
      server.close(done);
    }));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    workDir = mkdtempSync(join(tmpdir(), 'stripe-bulk-dep-cli-'));
    closing.defer(() => rmSync(workDir, { recursive: true, force: true }));
  });

  const cli = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    const out = sink();
    const err = sink();
    const code = await runCli(['--url', url, '--poll-interval', '50', ...args], { stdout: out.stream, stderr: err.stream, env: {}, cwd: workDir });
    return { code, stdout: out.text(), stderr: err.text() };
  };

  it('runs a dry run, then the real one, printing the API-key warning and writing the results', async () => {
    const { ids } = await scimAdmin(emulator.url).add({ users: [{ userName: 'gone@example.com' }, { userName: 'stays@example.com' }] });
    writeFileSync(join(workDir, 'leavers.csv'), 'email\nGONE@example.com\nghost@example.com\n');
    const dry = await cli('deprovision', 'leavers.csv', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('Dry run: 1 of 2 rows would be deactivated');
    expect((await scimAdmin(emulator.url).users()).every((u) => u.active)).toBe(true);
    const real = await cli('deprovision', 'leavers.csv', '--out', 'real.csv');
    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout).toContain('Developers → API keys');
    const results = readFileSync(join(workDir, 'real.csv'), 'utf8');
    expect(results).toContain(`deactivated,${ids[0] ?? ''}`);
    expect(results).toContain('ghost@example.com,not_found');
    expect((await scimAdmin(emulator.url).users()).map((u) => u.active)).toEqual([false, true]);
  });

  it('counts SCIM requests and deprovision rows on /metrics, apart from the Stripe ones', async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/stripe_bulk_deprovision_rows_total\{action="deactivated"\} 1\b/);
    expect(text).toMatch(/stripe_bulk_deprovision_rows_total\{action="would_deactivate"\} 1\b/);
    expect(text).toMatch(/stripe_bulk_scim_requests_total\{method="PATCH",status="200"\} 1\b/);
  });

  it('shows the deprovision queue and its finished jobs on Bull Board', async () => {
    const res = await fetch(`${url}/admin/queues/api/queues?activeQueue=deprovision-team-members&status=completed&page=1`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { queues: { name: string; jobs: { returnValue?: { summary?: string } }[] }[] };
    const queue = body.queues.find((q) => q.name === 'deprovision-team-members');
    expect(queue).toBeDefined();
    expect(JSON.stringify(queue?.jobs ?? [])).toContain('Developers → API keys');
  });

  it('exits 1 naming the missing column when the CSV has neither email nor id', async () => {
    writeFileSync(join(workDir, 'bad.csv'), 'name\nX\n');
    const run = await cli('deprovision', 'bad.csv');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('email column');
  });
});
