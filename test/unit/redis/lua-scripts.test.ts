import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LUA_FILE_NAME } from '../../../src/redis-scripts.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function filesUnder(dir: string, ending: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(ending))
    .map((f) => join(dir, f));
}

const LUA_FILES = [...filesUnder('src', '.lua'), ...filesUnder('jobs', '.lua')];

/** The header's numbered lines (`  KEYS[2]  …`), in order, and the highest index the body uses literally. */
function parse(text: string, name: 'KEYS' | 'ARGV') {
  const header = /^--\[\[\n([\s\S]*?)\n\]\]\n/.exec(text)?.[1] ?? '';
  const body = text.slice(text.indexOf(']]') + 2);
  const listed = [...header.matchAll(new RegExp(`^ {2}${name}\\[(\\d+)\\] `, 'gm'))].map((m) => Number(m[1]));
  const used = [...body.matchAll(new RegExp(`${name}\\[(\\d+)\\]`, 'g'))].map((m) => Number(m[1]));
  return { header, listed, maxUsed: Math.max(0, ...used) };
}

describe('Lua scripts', () => {
  it('are files, at least the ten the stores, the email lock and the limiter run', () => {
    expect(LUA_FILES.length).toBeGreaterThanOrEqual(10);
  });

  it.each(LUA_FILES)('%s is named <name>-<numKeys>.lua and opens with a header listing its KEYS and ARGV', (file) => {
    const match = LUA_FILE_NAME.exec(file.split('/').pop() ?? '');
    expect(match, 'file name <name>-<numKeys>.lua').not.toBeNull();
    const numKeys = Number(match?.[2]);
    const text = readFileSync(join(ROOT, file), 'utf8');
    const keys = parse(text, 'KEYS');
    const argv = parse(text, 'ARGV');
    // The first line names the script and says what it is for; then why, then the keys and arguments.
    expect(keys.header).toMatch(new RegExp(`^ {2}${match?.[0].replace('.', '\\.')}: \\S.{10,}`));
    expect(keys.listed, 'one KEYS line per key, in order').toEqual(Array.from({ length: numKeys }, (_, i) => i + 1));
    expect(keys.maxUsed).toBeLessThanOrEqual(numKeys);
    expect(argv.listed, 'ARGV lines in order').toEqual(Array.from({ length: argv.listed.length }, (_, i) => i + 1));
    expect(argv.maxUsed, 'every ARGV the body reads is in the header').toBeLessThanOrEqual(argv.listed.length);
  });

  it('no TypeScript under src/ or jobs/ holds an inline script', () => {
    const inline = [...filesUnder('src', '.ts'), ...filesUnder('jobs', '.ts')].filter((f) =>
      readFileSync(join(ROOT, f), 'utf8').includes('redis.call('),
    );
    expect(inline.map((f) => relative(ROOT, join(ROOT, f)))).toEqual([]);
  });
});
