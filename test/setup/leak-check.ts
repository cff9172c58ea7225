import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { afterAll } from 'vitest';
import { diffSnapshots, formatLeaks, type Leak, type ProcessSnapshot } from './leak-diff.ts';

/**
 * Fails a test file that ends with more open handles, file descriptors or child processes than it began with (as
 * graphile-worker's tests fail when a test leaks a worker). A leftover BullMQ Worker or ioredis client shows as a
 * TCPSocketWrap and a socket fd, a server left listening as a TCPServerWrap, a spawned process as a child pid.
 *
 * Runs as a vitest setup file, so once per test file inside that file's own worker process: the comparison is within
 * the file, never against files that other workers run at the same time. The baseline is taken here, at import,
 * before the test file's module code runs; the check is an afterAll registered before the file's own hooks, which
 * vitest runs last (`sequence.hooks: 'stack'`), after the file has closed what it opened. vitest reuses a worker
 * process for several files, and its own IPC pipes are open before any file starts: only the difference counts.
 * Not seen: a grandchild orphaned by a child that exited (it is no longer our child).
 */

/**
 * Closing is asynchronous (a socket's close event, a child's exit): a leak is what is still open after this.
 * LEAK_CHECK_SETTLE_MS shortens it for the checker's own test, whose fixture leaks on purpose.
 */
const SETTLE_MS = Number(process.env.LEAK_CHECK_SETTLE_MS ?? 5_000);
const POLL_MS = 100;

function readFds(): Map<string, string> {
  const fds = new Map<string, string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      fds.set(fd, readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      // The descriptor readdir itself used, closed before readlink: not the test's.
    }
  }
  return fds;
}

const TCP_STATES: Record<string, string> = { '01': 'ESTABLISHED', '06': 'TIME_WAIT', '08': 'CLOSE_WAIT', '0A': 'LISTEN' };

/** socket inode -> "local -> remote STATE", so a leaked socket says whether it is Redis, the emulator or an app. */
function readTcpSockets(): Map<string, string> {
  const sockets = new Map<string, string>();
  const address = (hex: string) => {
    const [ip = '', port = ''] = hex.split(':');
    const host = ip.length === 8 ? (ip.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)).join('.') : ip;
    return `${host}:${parseInt(port, 16)}`;
  };
  for (const table of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    let rows: string[];
    try {
      rows = readFileSync(table, 'utf8').trim().split('\n').slice(1);
    } catch {
      continue;
    }
    for (const row of rows) {
      const f = row.trim().split(/\s+/);
      const [local = '', remote = '', state = '', inode = ''] = [f[1], f[2], f[3], f[9]];
      sockets.set(inode, `${address(local)} -> ${address(remote)} ${TCP_STATES[state] ?? state}`);
    }
  }
  return sockets;
}

function describeSockets(leaks: Leak[]): Leak[] {
  const sockets = readTcpSockets();
  return leaks.map((leak) => {
    const inode = /socket:\[(\d+)\]/.exec(leak.detail)?.[1];
    const tcp = inode === undefined ? undefined : sockets.get(inode);
    return tcp === undefined ? leak : { ...leak, detail: `${leak.detail} (tcp ${tcp})` };
  });
}

function readChildren(): Map<number, string> {
  const children = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name is in parentheses and may itself hold spaces or parentheses: fields start after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) !== process.pid) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      children.set(Number(entry), `${cmdline || stat.slice(stat.indexOf('('), stat.lastIndexOf(')') + 1)} [${state}]`);
    } catch {
      // The process ended between readdir and read: it is gone, so not a leak.
    }
  }
  return children;
}

function snapshot(): ProcessSnapshot {
  const handles = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) handles.set(type, (handles.get(type) ?? 0) + 1);
  return { handles, fds: readFds(), children: readChildren() };
}

const baseline = snapshot();

afterAll(async () => {
  const deadline = Date.now() + SETTLE_MS;
  let leaks = diffSnapshots(baseline, snapshot());
  while (leaks.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    leaks = diffSnapshots(baseline, snapshot());
  }
  if (leaks.length === 0) return;
  for (const { pid } of leaks) {
    try {
      if (pid !== undefined) process.kill(pid, 'SIGKILL');
    } catch {
      // Exited since the last look.
    }
  }
  throw new Error(formatLeaks(describeSockets(leaks), SETTLE_MS));
});
