import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Reads a child's memory and CPU from /proc (Linux). VmHWM is the kernel's own peak of the resident set, so a
 * short spike between two samples is not missed; CPU is utime + stime from /proc/<pid>/stat.
 */

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ); 100 on every Linux build Node runs on. */
const CLOCK_TICKS_PER_S = 100;

function statusField(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1];
  if (kb === undefined) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(kb) / 1024;
}

/** Peak resident set size of a process since it started, in MB. */
export function peakRssMb(pid: number): number {
  return statusField(pid, 'VmHWM');
}

/**
 * Resets a process's VmHWM to its current RSS (Linux clear_refs, value 5), so the next peak read covers only
 * what happens from now on: one process can then measure two jobs one after the other.
 */
export function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** Current resident set size of a process, in MB. */
export function rssMb(pid: number): number {
  return statusField(pid, 'VmRSS');
}

/** CPU time (user + system) a process has used so far, in ms. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces and parentheses: split after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so utime (field 14) and stime (field 15) are at 11 and 12.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_S;
}

/** CPU time of this process (the benchmark driver, which also hosts the emulator), in ms. */
export function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}
