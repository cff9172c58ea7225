import { describe, expect, it } from 'vitest';
import { diffSnapshots, type ProcessSnapshot } from './leak-diff.ts';

const snap = (handles: Record<string, number>, fds: Record<string, string>, children: Record<number, string> = {}): ProcessSnapshot => ({
  handles: new Map(Object.entries(handles)),
  fds: new Map(Object.entries(fds)),
  children: new Map(Object.entries(children).map(([pid, cmd]) => [Number(pid), cmd])),
});

describe('diffSnapshots', () => {
  const before = snap({ PipeWrap: 4, TCPSocketWrap: 1 }, { '0': 'socket:[1]', '19': 'socket:[7]' }, { 100: 'redis-server' });

  it('finds nothing when the file closed what it opened, or closed more', () => {
    expect(diffSnapshots(before, before)).toEqual([]);
    expect(diffSnapshots(before, snap({ PipeWrap: 4 }, { '0': 'socket:[1]' }))).toEqual([]);
  });

  it('names each extra handle type with both counts, each new fd with its target and each new child with its command', () => {
    const after = snap(
      { PipeWrap: 4, TCPSocketWrap: 2, TCPServerWrap: 1 },
      { '0': 'socket:[1]', '19': 'socket:[7]', '20': 'socket:[9]' },
      { 100: 'redis-server', 200: 'sleep 30 [S]' },
    );
    expect(diffSnapshots(before, after)).toEqual([
      { kind: 'handle', detail: '1 more TCPSocketWrap (1 -> 2)' },
      { kind: 'handle', detail: '1 more TCPServerWrap (0 -> 1)' },
      { kind: 'fd', detail: 'fd 20 -> socket:[9]' },
      { kind: 'child', detail: 'pid 200: sleep 30 [S]', pid: 200 },
    ]);
  });

  it('counts an fd number closed and reopened on something else as a leak', () => {
    const after = snap({ PipeWrap: 4, TCPSocketWrap: 1 }, { '0': 'socket:[1]', '19': '/tmp/x/part-1.csv' }, { 100: 'redis-server' });
    expect(diffSnapshots(before, after)).toEqual([{ kind: 'fd', detail: 'fd 19 -> /tmp/x/part-1.csv' }]);
  });
});
