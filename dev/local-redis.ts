import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

/** A redis-server child process started for the demo, the tests or a benchmark. */
export interface LocalRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Options of startLocalRedis. */
export interface LocalRedisOptions {
  /** Aborting it while redis-server starts kills it (a demo interrupted by Ctrl-C leaves no redis-server behind). */
  signal?: AbortSignal;
}

/**
 * Starts Debian's redis-server on a free loopback port with persistence off, in a temporary directory.
 * Throws a message naming the package when redis-server is not installed. A start that fails (timeout, early exit,
 * abort) kills the child and removes the directory before it throws: nothing is left running.
 */
export async function startLocalRedis(options: LocalRedisOptions = {}): Promise<LocalRedis> {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      "redis-server is not installed: install Debian's package with `apt-get install -y redis-server`, " +
        'or set REDIS_URL to a Redis you own.',
    );
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'stripe-bulk-redis-'));
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start within 10 s')), 10_000);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Error('interrupted while redis-server was starting'));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    let seen = '';
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('Ready to accept connections')) {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with code ${code}: ${seen.slice(-500)}`));
    });
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await started;
  } catch (err) {
    await stop();
    throw err;
  }
  child.stdout.resume();
  child.stderr.resume();
  return { url: `redis://127.0.0.1:${port}`, port, stop };
}
