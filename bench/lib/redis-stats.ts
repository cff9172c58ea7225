import type { Redis } from 'ioredis';

/** What redis-server has done so far: commands run (all clients) and CPU used (user + system). */
export interface RedisWork {
  commands: number;
  cpuMs: number;
  /** Calls per command name, e.g. { evalsha: 1200, set: 400 }. */
  byCommand: Record<string, number>;
  /** Microseconds redis-server spent per command name (a script's time includes the commands it calls). */
  usecByCommand: Record<string, number>;
}

/** Reads INFO commandstats and INFO cpu: the difference of two readings is the work done in between. */
export async function redisWork(redis: Redis): Promise<RedisWork> {
  const [commandStats, cpu] = await Promise.all([redis.info('commandstats'), redis.info('cpu')]);
  const byCommand: Record<string, number> = {};
  const usecByCommand: Record<string, number> = {};
  for (const match of commandStats.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    byCommand[match[1] ?? ''] = Number(match[2]);
    usecByCommand[match[1] ?? ''] = Number(match[3]);
  }
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(cpu)?.[1] ?? 0);
  return {
    commands: Object.values(byCommand).reduce((n, c) => n + c, 0),
    cpuMs: (field('used_cpu_user') + field('used_cpu_sys')) * 1000,
    byCommand,
    usecByCommand,
  };
}

/** Work done between two readings. */
export function workBetween(before: RedisWork, after: RedisWork): RedisWork {
  const delta = (a: Record<string, number>, b: Record<string, number>): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const [name, n] of Object.entries(a)) if (n > (b[name] ?? 0)) out[name] = n - (b[name] ?? 0);
    return out;
  };
  return {
    commands: after.commands - before.commands,
    cpuMs: after.cpuMs - before.cpuMs,
    byCommand: delta(after.byCommand, before.byCommand),
    usecByCommand: delta(after.usecByCommand, before.usecByCommand),
  };
}
