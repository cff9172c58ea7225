import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { testRedisUrl } from '../helpers/redis.ts';

function isRunningSleep(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.includes('(sleep)') && !stat.slice(stat.lastIndexOf(')')).startsWith(') Z');
  } catch {
    return false;
  }
}

interface Run {
  code: number | null;
  output: string;
}

/** Runs the fixtures under test/setup/fixtures in a child vitest: leaky.fixture.ts leaks, clean.fixture.ts does not. */
function runFixtures(): Promise<Run> {
  const child = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/setup/fixtures/vitest.config.ts'], {
    env: { ...process.env, REDIS_URL: testRedisUrl(), LEAK_CHECK_SETTLE_MS: '500', NO_COLOR: '1', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

it('fails the file that leaves a server, a process and a Redis connection open, and only that file', async () => {
  const { code, output } = await runFixtures();

  expect(code, output).toBe(1);
  expect(output).toMatch(/FAIL\s+test\/setup\/fixtures\/leaky\.fixture\.ts/);
  expect(output).not.toMatch(/FAIL\s+test\/setup\/fixtures\/clean\.fixture\.ts/);
  expect(output).toMatch(/Test Files\s+1 failed \| 1 passed/);
  expect(output).toContain('handle: 1 more TCPServerWrap');
  expect(output).toContain('handle: 1 more ProcessWrap');
  expect(output).toContain('more TCPSocketWrap'); // the Redis client
  expect(output).toMatch(/fd: fd \d+ -> socket:/);
  const pid = /child: pid (\d+): sleep 30/.exec(output)?.[1];
  expect(pid, output).toBeDefined();
  // The check stops what it found, so a failed run leaves no orphan behind.
  await expect.poll(() => isRunningSleep(Number(pid)), { timeout: 5_000 }).toBe(false);
});
