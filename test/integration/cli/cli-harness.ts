import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createApp } from '../../../src/http/app.ts';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.ts';
import { createTestServices, type TestServices } from '../../helpers/services.ts';

/** The repository root, where the child CLI runs from (so `--import tsx` resolves). */
export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/** The API token the harness's server requires. */
export const HARNESS_API_TOKEN = 'cli-test-token-0123456789';

/** A real app with in-process workers on an emulator, listening on port 0, plus a scratch directory. */
export interface CliHarness {
  url: string;
  emulator: TestEmulator;
  services: TestServices;
  /** A temporary directory for input and output files. */
  workDir: string;
  close(): Promise<void>;
}

export async function startCliHarness(): Promise<CliHarness> {
  const emulator = await startTestEmulator();
  const services = createTestServices({ emulatorUrl: emulator.url, env: { API_TOKEN: HARNESS_API_TOKEN } });
  services.startWorkers();
  const server: Server = await new Promise((done) => {
    const s = createApp(services).listen(0, '127.0.0.1', () => done(s));
  });
  const { port } = server.address() as AddressInfo;
  const workDir = mkdtempSync(join(tmpdir(), 'stripe-bulk-cli-'));
  return {
    url: `http://127.0.0.1:${port}`,
    emulator,
    services,
    workDir,
    async close() {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      await services.close();
      await emulator.close();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** What one CLI run printed and returned. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A CLI that does not end within this is killed, so a wait loop bug fails the test instead of hanging it. */
const CLI_TIMEOUT_MS = 45_000;

/** Runs `bin/stripe-bulk.ts` as a child process, as a user would; stdout/stderr are pipes (not a TTY). */
export function runCliProcess(harness: CliHarness, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'bin/stripe-bulk.ts'), ...args], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? tmpdir(),
        STRIPE_BULK_URL: harness.url,
        STRIPE_BULK_TOKEN: HARNESS_API_TOKEN,
        STRIPE_BULK_POLL_MS: '100',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`stripe-bulk ${args.join(' ')} did not end within ${CLI_TIMEOUT_MS} ms\n${stderr}`));
    }, CLI_TIMEOUT_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      fail(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}
