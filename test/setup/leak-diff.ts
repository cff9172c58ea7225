/** What a process holds open at one moment: libuv handle counts by type, fds to their targets, child pids to commands. */
export interface ProcessSnapshot {
  handles: Map<string, number>;
  fds: Map<string, string>;
  children: Map<number, string>;
}

/** One thing open at the end of a test file that was not open at its start. */
export interface Leak {
  kind: 'handle' | 'fd' | 'child';
  detail: string;
  /** For a child: its pid, so the check can stop it instead of leaving an orphan on the machine. */
  pid?: number;
}

export function diffSnapshots(before: ProcessSnapshot, after: ProcessSnapshot): Leak[] {
  const leaks: Leak[] = [];
  for (const [type, count] of after.handles) {
    const extra = count - (before.handles.get(type) ?? 0);
    if (extra > 0) leaks.push({ kind: 'handle', detail: `${extra} more ${type} (${before.handles.get(type) ?? 0} -> ${count})` });
  }
  for (const [fd, target] of after.fds) {
    if (before.fds.get(fd) !== target) leaks.push({ kind: 'fd', detail: `fd ${fd} -> ${target}` });
  }
  for (const [pid, command] of after.children) {
    if (!before.children.has(pid)) leaks.push({ kind: 'child', detail: `pid ${pid}: ${command}`, pid });
  }
  return leaks;
}

export function formatLeaks(leaks: readonly Leak[], settleMs: number): string {
  const lines = leaks.map((l) => `  ${l.kind}: ${l.detail}`);
  return [
    `this test file left open what it did not have at its start (still open ${settleMs} ms after its last afterAll):`,
    ...lines,
    'Close every worker, queue, Redis connection and server, and stop every process the file starts (afterAll/afterEach).',
    ...(leaks.some((l) => l.kind === 'child') ? ['(The leak check has killed the child processes listed, so none outlives the run.)'] : []),
  ].join('\n');
}
