import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../dev/free-port.ts';

/**
 * A redis-server of one test that the test stops and starts again on the same port and directory, with AOF on as
 * docker-compose.yml runs it (`appendonly yes`, `appendfsync everysec`). close() stops it and removes the directory.
 */
export interface RestartableRedis {
  url: string;
  port: number;
  dir: string;
  /** SIGTERM (Redis flushes the AOF and exits), resolved when the process has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port and directory; resolves when it accepts connections. */
  start(): Promise<void>;
  /** Sends a signal to the running redis-server: SIGSTOP freezes it (sockets open, no answers), SIGCONT resumes it. */
  signal(signal: NodeJS.Signals): void;
  close(): Promise<void>;
}

function launch(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start within 10 s: ${seen.slice(-500)}`));
    }, 10_000);
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout.removeAllListeners('data');
        child.stdout.resume();
        resolve(child);
      }
    });
    child.stderr.resume();
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with code ${code}: ${seen.slice(-500)}`));
    });
  });
}

export async function startRestartableRedis(): Promise<RestartableRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'stripe-bulk-aof-'));
  let child: ChildProcess | undefined = await launch(port, dir);
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    stop,
    signal(signal) {
      if (!child) throw new Error('redis-server is not running');
      child.kill(signal);
    },
    async start() {
      if (child) throw new Error('redis-server is already running');
      child = await launch(port, dir);
    },
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
