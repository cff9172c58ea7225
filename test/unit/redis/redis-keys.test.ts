import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { emailKeys, exportKeys, hashSlotPart, importIndexKey, importKeys, rateLimitKeys } from '../../../src/redis-keys.ts';
import { loadLuaScript, runLuaScript } from '../../../src/redis-scripts.ts';

describe('the key module', () => {
  it('keeps the names earlier versions wrote, so records, schedules, locks and registry entries stay readable', () => {
    expect(importKeys('p', 'imp_1').record).toBe('p:import:imp_1');
    expect(importIndexKey('p')).toBe('p:imports');
    expect(exportKeys.record('p', 'exp_1')).toBe('p:export:exp_1');
    expect(exportKeys.slices('p', 'exp_1')).toBe('p:export:exp_1:slices');
    expect(exportKeys.metadataKeys('p', 'exp_1')).toBe('p:export:exp_1:metadata-keys');
    expect(exportKeys.recent('p')).toBe('p:exports');
    expect(exportKeys.schedule('p', 'sch_1')).toBe('p:export-schedule:sch_1');
    expect(exportKeys.schedules('p')).toBe('p:export-schedules');
    expect(exportKeys.scheduleRuns('p', 'sch_1')).toBe('p:export-schedule:sch_1:exports');
    expect(emailKeys.lock('p', 'acct', ' Ann@Example.com')).toMatch(new RegExp(`^p:email-lock:acct:[0-9a-f]{64}$`));
    expect(emailKeys.registry('p', 'acct', 'ann@example.com')).toMatch(/^p:email-registry:acct:[0-9a-f]{64}$/);
    expect(emailKeys.legacyCreated('p', 'acct', 'ann@example.com')).toMatch(/^p:created-email:acct:[0-9a-f]{64}$/);
    const globs = emailKeys.registryPatterns('p').map((glob) => new RegExp(`^${glob.replace('*', '.*')}$`));
    const keys = [emailKeys.registry('p', 'acct', 'a@b.c'), emailKeys.legacyCreated('p', 'acct', 'a@b.c')];
    expect(keys.map((key, i) => globs[i]?.test(key))).toEqual([true, true]);
    // No address in a key name, and one key per normalised email.
    expect(emailKeys.lock('p', 'acct', ' Ann@Example.com')).toBe(emailKeys.lock('p', 'acct', 'ann@example.com'));
  });

  it('puts the six keys of the limiter\'s reserve-slot-6 script under one hash tag per account', () => {
    const keys = rateLimitKeys('stripe-bulk', 'acct-1');
    const classLog = keys.classLog('write');
    const endpointLog = keys.endpointLog('customers.create');
    const six = [keys.coolDown, classLog, endpointLog, keys.hint(classLog), keys.hint(endpointLog), keys.learnedBudget('write')];
    expect(new Set(six.map(hashSlotPart))).toEqual(new Set(['acct-1']));
    expect(hashSlotPart(rateLimitKeys('stripe-bulk', 'acct-2').coolDown)).not.toBe('acct-1');
  });

  it('hashes as Redis Cluster does: the first non-empty {…}, else the whole key', () => {
    expect(hashSlotPart('a:{b}:{c}')).toBe('b');
    expect(hashSlotPart('a:{}:{c}')).toBe('a:{}:{c}');
    expect(hashSlotPart('a:{b')).toBe('a:{b');
    expect(hashSlotPart('plain')).toBe('plain');
  });
});

describe('runLuaScript refuses, before sending anything', () => {
  // A real client that is never connected: every refusal below happens before a command could be sent.
  const redis = new Redis({ lazyConnect: true, enableOfflineQueue: false });
  afterAll(() => redis.disconnect());
  const reserve = loadLuaScript(new URL('../../../src/rate-limit/reserve-slot-6.lua', import.meta.url));
  const release = loadLuaScript(new URL('../../../jobs/import/release-email-lock-1.lua', import.meta.url));

  it('keys of one multi-key script in different slots', async () => {
    const a = rateLimitKeys('p', 'acct-a');
    const b = rateLimitKeys('p', 'acct-b');
    const keys = [a.coolDown, a.classLog('read'), b.endpointLog('customers.list'), a.hint('x'), a.hint('y'), a.learnedBudget('read')];
    await expect(runLuaScript(redis, reserve, keys, [])).rejects.toThrow(/share one \{hash tag\}/);
  });

  it('an empty key name, and a key count other than the file name says', async () => {
    await expect(runLuaScript(redis, release, [''], ['token'])).rejects.toThrow(/empty key name/);
    await expect(runLuaScript(redis, release, ['a', 'b'], ['token'])).rejects.toThrow(/takes 1 keys, was given 2/);
  });

  it('names the command after the file: namespaced, and the key count read from the name', () => {
    expect(reserve).toMatchObject({ command: 'stripeBulkReserveSlot', numberOfKeys: 6 });
    expect(release).toMatchObject({ command: 'stripeBulkReleaseEmailLock', numberOfKeys: 1 });
  });
});
