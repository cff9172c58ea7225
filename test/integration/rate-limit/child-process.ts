import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD_TIMEOUT_MS = 30_000;

/** One child process speaking the "ready / go / one JSON line" protocol of dev/limiter-child.ts. */
export interface RunningChild<T> {
  /** Resolves once the child has loaded and reached Redis. */
  ready: Promise<void>;
  /** Starts its work; resolves with its JSON result. */
  go(): Promise<T>;
}

/**
 * Children started by a test file, killed if they outlive 30 s, and by killAll() (afterAll), so a test that failed
 * half-way never leaves one hammering Redis.
 */
export function childProcesses(): { start<T>(script: URL, env: Record<string, string>): RunningChild<T>; killAll(): void } {
  const spawned: ChildProcess[] = [];
  return {
    start<T>(script: URL, env: Record<string, string>): RunningChild<T> {
      // `node --import tsx` rather than the tsx CLI, which would start a second node process per child.
      const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(script)], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      spawned.push(child);
      let stdout = '';
      let stderr = '';
      let onReady: () => void = () => {};
      const ready = new Promise<void>((resolve) => (onReady = resolve));
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.startsWith('ready\n')) onReady();
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
      const done = new Promise<T>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code) => {
          clearTimeout(timer);
          if (code !== 0) { reject(new Error(`${script.pathname} exited with ${code}: ${stderr}`)); return; }
          resolve(JSON.parse(stdout.slice('ready\n'.length)) as T);
        });
      });
      // A child that dies before "ready" must fail the test, not hang it.
      return {
        ready: Promise.race([ready, done.then(() => {})]),
        go() {
          child.stdin.end('go\n');
          return done;
        },
      };
    },
    killAll() {
      for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
