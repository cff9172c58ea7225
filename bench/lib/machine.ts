import { cpus, loadavg, totalmem } from 'node:os';
import { workerRuntime } from './worker-entry.ts';

/** What the figures were measured on; other helpers may share the machine, hence the load averages. */
export interface MachineInfo {
  cpu_model: string;
  cpus: number;
  total_memory_gb: number;
  node: string;
  /** How the worker processes were started (compiled, or under tsx). */
  worker: string;
  platform: string;
  date: string;
  /** 1, 5 and 15 minute load averages when the run started. */
  load_average_start: number[];
  /** The same when the run ended (filled in at the end). */
  load_average_end: number[] | null;
}

const roundLoad = (values: number[]): number[] => values.map((v) => Math.round(v * 100) / 100);

export function describeMachine(): MachineInfo {
  const list = cpus();
  return {
    cpu_model: list[0]?.model.trim() ?? 'unknown',
    cpus: list.length,
    total_memory_gb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    worker: workerRuntime(),
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
    load_average_start: roundLoad(loadavg()),
    load_average_end: null,
  };
}

export function currentLoad(): number[] {
  return roundLoad(loadavg());
}
