import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { hashSlotPart } from './redis-keys.ts';

/** A Lua script read from `<name>-<numKeys>.lua`, sent under the ioredis command `command`. */
export interface LuaScript {
  readonly command: string;
  readonly lua: string;
  readonly numberOfKeys: number;
}

/** `<name>-<numKeys>.lua`, as BullMQ names its scripts: the key count lives in the file name, checked on every call. */
export const LUA_FILE_NAME = /^([a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)*)-(\d+)\.lua$/;

/**
 * Reads a script file once, at module load. The command name is namespaced because the connection is shared with
 * BullMQ and other modules (`release-lock-1.lua` → `stripeBulkReleaseLock`).
 */
export function loadLuaScript(url: URL): LuaScript {
  const file = basename(fileURLToPath(url));
  const match = LUA_FILE_NAME.exec(file);
  if (match?.[1] === undefined) throw new Error(`${file}: a Lua script file must be named <name>-<numKeys>.lua`);
  const words = match[1].split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1));
  return { command: `stripeBulk${words.join('')}`, lua: readFileSync(url, 'utf8'), numberOfKeys: Number(match[2]) };
}

type ScriptCommand = (this: Redis, ...keysThenArgv: string[]) => Promise<unknown>;

/**
 * Runs a script, defining it on the connection the first time. ioredis then sends it with EVALSHA and falls back
 * to EVAL on NOSCRIPT, so it survives a Redis restart or SCRIPT FLUSH. Refused before anything is sent: an empty
 * key name (Redis would accept it, and a Cluster would route the script by it), and keys of one script that do not
 * share a hash tag (a Cluster refuses a script whose keys lie in different slots; a single Redis would hide it).
 */
export async function runLuaScript(redis: Redis, script: LuaScript, keys: readonly string[], argv: readonly (string | number)[]): Promise<unknown> {
  if (keys.length !== script.numberOfKeys) {
    throw new Error(`${script.command} takes ${script.numberOfKeys} keys, was given ${keys.length}`);
  }
  if (keys.some((k) => k === '')) throw new Error(`${script.command} was given an empty key name`);
  const slots = new Set(keys.map(hashSlotPart));
  if (slots.size > 1) throw new Error(`${script.command}: its keys must share one {hash tag}, got ${keys.join(', ')}`);
  const commands = redis as unknown as Record<string, ScriptCommand | undefined>;
  if (typeof commands[script.command] !== 'function') {
    redis.defineCommand(script.command, { lua: script.lua, numberOfKeys: script.numberOfKeys });
  }
  const command = commands[script.command] as ScriptCommand;
  return command.call(redis, ...keys, ...argv.map(String));
}
