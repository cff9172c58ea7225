import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { createApp } from '../../../src/http/app.ts';
import { buildDist } from '../../../dev/worker-entry.ts';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.ts';
import { createTestServices, type TestServices } from '../../helpers/services.ts';

/** The repository root: the CLI is compiled there, and run from elsewhere. */
export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/** The API token the harness's server requires. */
export const HARNESS_API_TOKEN = 'cli-test-token-0123456789';

/** A real app with in-process workers on an emulator, listening on port 0, plus a scratch directory. */
export interface CliHarness {
  url: string;
  emulator: TestEmulator;
  services: TestServices;
  /** A temporary directory outside the checkout: the user's folder, where the CLI runs. */
  workDir: string;
  /** A directory on the child's PATH holding `stripe-bulk`, linked to dist/bin/stripe-bulk.js as `npm link` does. */
  binDir: string;
  close(): Promise<void>;
}

/**
 * Compiles dist/ (`npm run build`) and links `stripe-bulk` to the compiled bin in a PATH directory of its own, as
 * `npm link` / `npm install -g .` do: the tests run the CLI as an installed user would, not from the sources.
 */
export function installCompiledCli(): string {
  buildDist();
  const binDir = mkdtempSync(join(tmpdir(), 'stripe-bulk-bin-'));
  symlinkSync(join(REPO_ROOT, 'dist/bin/stripe-bulk.js'), join(binDir, 'stripe-bulk'));
  return binDir;
}

export async function startCliHarness(): Promise<CliHarness> {
  const binDir = installCompiledCli();
  const emulator = await startTestEmulator();
  const services = createTestServices({ emulatorUrl: emulator.url, env: { API_TOKEN: HARNESS_API_TOKEN } });
  services.startWorkers();
  const server: Server = await new Promise((done) => {
    const s = createApp(services).listen(0, '127.0.0.1', () => done(s));
  });
  const { port } = server.address() as AddressInfo;
  const workDir = mkdtempSync(join(tmpdir(), 'stripe-bulk-cli-'));
  mkdirSync(join(workDir, 'in'));
  return {
    url: `http://127.0.0.1:${port}`,
    emulator,
    services,
    workDir,
    binDir,
    async close() {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      await services.close();
      await emulator.close();
      rmSync(workDir, { recursive: true, force: true });
      rmSync(binDir, { recursive: true, force: true });
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

/**
 * Runs the installed `stripe-bulk` (found on PATH) in the harness's work directory, outside the checkout, as a user
 * would; stdout/stderr are pipes (not a TTY). `env` values that are undefined are removed from the child's env.
 */
export function runCliProcess(
  harness: CliHarness,
  args: string[],
  env: Record<string, string | undefined> = {},
  cwd = harness.workDir,
  /** Another command line that runs the CLI (e.g. under `script` for a terminal); default `stripe-bulk ...args`. */
  command: string[] = ['stripe-bulk', ...args],
): Promise<CliRun> {
  return new Promise((done, fail) => {
    const childEnv: Record<string, string> = {};
    const merged: Record<string, string | undefined> = {
      // The directory of `node` too, for the bin's `#!/usr/bin/env node`.
      PATH: [harness.binDir, resolve(process.execPath, '..'), process.env.PATH ?? ''].join(delimiter),
      HOME: process.env.HOME ?? tmpdir(),
      STRIPE_BULK_URL: harness.url,
      STRIPE_BULK_TOKEN: HARNESS_API_TOKEN,
      STRIPE_BULK_POLL_MS: '100',
      ...env,
    };
    for (const [k, v] of Object.entries(merged)) if (v !== undefined) childEnv[k] = v;
    const [file = 'stripe-bulk', ...rest] = command;
    const child = spawn(file, rest, {
      cwd,
      env: childEnv,
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
