import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.ts';
import { createTestRedis, deleteKeys, testRedisUrl, uniquePrefix } from '../../helpers/redis.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';

/** The local addresses (as `a.b.c.d` or `::…` hex) of the LISTEN sockets on `port`, read from the kernel's tables. */
function listeningAddresses(port: number): string[] {
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== '0A') continue; // 0A = TCP_LISTEN
      const [hex, portHex] = local.split(':');
      if (Number.parseInt(portHex ?? '', 16) !== port || !hex) continue;
      found.push(
        hex.length === 8
          ? (hex.match(/../g) ?? []).reverse().map((b) => Number.parseInt(b, 16)).join('.')
          : `v6:${hex}`,
      );
    }
  }
  return found;
}

interface RunningServer {
  child: ChildProcess;
  /** The `HTTP API on …` line's URL. */
  url: string;
  stop(): Promise<void>;
}

/** `npm start` (src/server.ts) with PORT=0 and no workers; resolves once it logs the address it bound. */
function startServer(emulator: TestEmulator, prefix: string, dataDir: string, env: Record<string, string>): Promise<RunningServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: {
      PATH: process.env.PATH ?? '',
      REDIS_URL: testRedisUrl(),
      STRIPE_SECRET_KEY: 'sk_test_bind',
      STRIPE_API_URL: emulator.url,
      QUEUE_PREFIX: prefix,
      DATA_DIR: dataDir,
      PORT: '0',
      RUN_WORKERS: 'false',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  };
  return new Promise((done, fail) => {
    let out = '';
    const timer = setTimeout(() => {
      void stop().then(() => fail(new Error(`no "HTTP API on" line within 30 s:\n${out}`)));
    }, 30_000);
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /HTTP API on (http:\/\/\S+?)"/.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        done({ child, url, stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`server exited with ${code}:\n${out}`));
    });
  });
}

describe('the HTTP API bind address (HOST)', () => {
  let emulator: TestEmulator;
  const prefix = uniquePrefix('bind');
  const dataDir = mkdtempSync(join(tmpdir(), 'stripe-bulk-bind-'));

  const closing = closeAfterAll();
  beforeAll(async () => {
    emulator = closing(await startTestEmulator());
  });
  afterAll(async () => {
    const redis = createTestRedis();
    await deleteKeys(redis, prefix);
    await redis.quit();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only by default, and logs the address it bound', async () => {
    const server = await startServer(emulator, prefix, dataDir, {});
    try {
      const port = Number(new URL(server.url).port);
      expect(server.url).toBe(`http://127.0.0.1:${port}`);
      expect(listeningAddresses(port)).toEqual(['127.0.0.1']);
      expect((await fetch(`${server.url}/healthz`)).status).toBeLessThan(500);
    } finally {
      await server.stop();
    }
  });

  it('HOST=0.0.0.0 listens on every interface and says so', async () => {
    const server = await startServer(emulator, prefix, dataDir, { HOST: '0.0.0.0' });
    try {
      const port = Number(new URL(server.url).port);
      expect(server.url).toBe(`http://0.0.0.0:${port}`);
      expect(listeningAddresses(port)).toEqual(['0.0.0.0']);
    } finally {
      await server.stop();
    }
  });
});
