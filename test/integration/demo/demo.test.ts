import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../dev/free-port.ts';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const DEMO_TIMEOUT_MS = 90_000;
const dataDirs: string[] = [];

afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * Every process of one demo run, found even once re-parented to init and told apart from other tests' redis-servers:
 * the demo carries `DEMO_TEST_MARK` in its environment; its redis-server (which overwrites its environment with its
 * process title) runs in a directory under the run's own TMPDIR.
 */
function processesMarked(mark: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const marked =
        readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`DEMO_TEST_MARK=${mark}`) ||
        readlinkSync(`/proc/${pid}/cwd`).startsWith(join(tmpdir(), `demo-tmp-${mark}`));
      if (!marked) continue;
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      const state = /\)\s+(\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];
      if (state !== 'Z') found.push(`${pid} ${comm}`);
    } catch {
      // Gone between the listing and the read, or not ours to read.
    }
  }
  return found;
}

/** Waits (bounded) until no marked process is left; returns those still there. */
async function leftovers(mark: string): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  let left = processesMarked(mark);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    left = processesMarked(mark);
  }
  return left;
}

interface DemoRun {
  child: ChildProcess;
  mark: string;
  output: () => string;
  /** Resolves with the first match of `pattern` in stdout+stderr (rejects when the demo exits first). */
  waitFor: (pattern: RegExp) => Promise<RegExpExecArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `npm run demo` as tsx runs it, with its own Redis and emulator (REDIS_URL and STRIPE_SECRET_KEY unset). */
function startDemo(args: string[], env: Record<string, string>): DemoRun {
  const mark = randomUUID();
  const dataDir = mkdtempSync(join(tmpdir(), 'stripe-bulk-demo-'));
  const ownTmp = join(tmpdir(), `demo-tmp-${mark}`);
  mkdirSync(ownTmp);
  dataDirs.push(dataDir, ownTmp);
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), DATA_DIR: dataDir, TMPDIR: ownTmp, DEMO_TEST_MARK: mark, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    text += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), DEMO_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(killer);
      for (const listener of listeners) listener();
      done({ code, signal });
    });
  });
  const waitFor = (pattern: RegExp): Promise<RegExpExecArray> =>
    new Promise((done, fail) => {
      const check = (): void => {
        const match = pattern.exec(text);
        if (match) {
          listeners.delete(check);
          done(match);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          listeners.delete(check);
          fail(new Error(`the demo exited before printing ${pattern}:\n${text}`));
        }
      };
      listeners.add(check);
      check();
    });
  return { child, mark, output: () => text, waitFor, exited };
}

describe('npm run demo', () => {
  it('an API_TOKEN under 16 characters: one clear message, no stack, nothing left running', async () => {
    const demo = startDemo([], { API_TOKEN: 'short', PORT: '0' });
    const { code } = await demo.exited;
    expect(code).toBe(2);
    expect(demo.output()).toContain('API_TOKEN: must be at least 16 characters');
    expect(demo.output()).not.toMatch(/^\s+at /m);
    expect(await leftovers(demo.mark)).toEqual([]);
  });

  it('--serve with API_TOKEN: serves on PORT, sends the token itself, prints the CLI environment, stops all on SIGINT', async () => {
    const token = 'demo-token-0123456789';
    const port = await freePort();
    const demo = startDemo(['--serve'], { API_TOKEN: token, PORT: String(port) });
    try {
      await demo.waitFor(/Serving until Ctrl-C/);
      const url = (await demo.waitFor(/export STRIPE_BULK_URL=(\S+)/))[1];
      expect(url).toBe(`http://127.0.0.1:${port}`);
      await demo.waitFor(new RegExp(`export STRIPE_BULK_TOKEN=${token}`));
      expect(demo.output()).toMatch(/import imp_\S+: completed/);
      expect(processesMarked(demo.mark).some((p) => p.endsWith('redis-server'))).toBe(true);
      expect((await fetch(`${url}/v1/imports`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      expect((await fetch(`${url}/v1/imports`)).status).toBe(401);
    } finally {
      demo.child.kill('SIGINT');
    }
    expect((await demo.exited).code).toBe(0);
    expect(await leftovers(demo.mark)).toEqual([]);
  });

  it('--serve when PORT is taken: says so, serves elsewhere and prints that URL; SIGTERM stops all', async () => {
    const taken: Server = createServer();
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
    const port = (taken.address() as { port: number }).port;
    const demo = startDemo(['--serve'], { PORT: String(port) });
    try {
      await demo.waitFor(new RegExp(`Port ${port} is in use`));
      const url = (await demo.waitFor(/export STRIPE_BULK_URL=(\S+)/))[1] ?? '';
      expect(new URL(url).port).not.toBe(String(port));
      expect(demo.output()).not.toContain('STRIPE_BULK_TOKEN');
      expect((await fetch(`${url}/v1/imports`)).status).toBe(200);
    } finally {
      demo.child.kill('SIGTERM');
      await new Promise((done) => taken.close(done));
    }
    expect((await demo.exited).code).toBe(0);
    expect(await leftovers(demo.mark)).toEqual([]);
  });

  it('SIGTERM in the middle of the import stops everything it started', async () => {
    const demo = startDemo([], { PORT: '0' });
    await demo.waitFor(/Importing /);
    demo.child.kill('SIGTERM');
    expect((await demo.exited).code).toBe(143);
    expect(await leftovers(demo.mark)).toEqual([]);
  });
});
