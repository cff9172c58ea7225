import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { accountScope, emailKeys, hashSlotPart, rateLimitKeys } from '../../src/redis-keys.ts';

const base = { STRIPE_SECRET_KEY: 'sk_test_abc123', STRIPE_ACCOUNT_NAME: 'plat' };

describe('connected-account keys', () => {
  it('keeps the platform\'s keys as they were and gives a connected account keys of its own', () => {
    expect(accountScope('plat', undefined)).toBe('plat');
    const platform = emailKeys.lock('p', accountScope('plat', undefined), 'a@x.io');
    const connected = emailKeys.lock('p', accountScope('plat', 'acct_1A'), 'a@x.io');
    const other = emailKeys.lock('p', accountScope('plat', 'acct_1B'), 'a@x.io');
    expect(platform).toMatch(/^p:email-lock:plat:[0-9a-f]{64}$/);
    expect(connected).toMatch(/^p:email-lock:plat:connected:acct_1A:[0-9a-f]{64}$/);
    expect(new Set([platform, connected, other]).size).toBe(3);
    expect(emailKeys.registry('p', accountScope('plat', 'acct_1A'), 'a@x.io')).toMatch(/^p:email-registry:plat:connected:acct_1A:/);
    // The registry reset patterns still find a connected account's entries.
    expect(new RegExp(`^${emailKeys.registryPatterns('p')[0]?.replace('*', '.*') ?? ''}$`).test(emailKeys.registry('p', accountScope('plat', 'acct_1A'), 'a@x.io'))).toBe(true);
    expect(() => accountScope('plat', 'acct_1A:x')).toThrow(/connectedAccount/);
  });

  it('gives a connected account with its own budget its own limiter keys, under the platform\'s hash tag', () => {
    const platform = rateLimitKeys('p', 'plat');
    const own = rateLimitKeys('p', 'plat', 'acct_1A');
    expect(platform.classLog('write')).toBe('p:rate:{plat}:write');
    expect(own.classLog('write')).toBe('p:rate:{plat}:connected:acct_1A:write');
    expect(own.coolDown).toBe('p:rate:{plat}:connected:acct_1A:cool-down');
    const all = [own.coolDown, own.classLog('read'), own.endpointLog('customers.create'), own.hint(own.classLog('read')), own.learnedBudget('read')];
    expect(new Set(all.map(hashSlotPart))).toEqual(new Set(['plat']));
  });
});

describe('STRIPE_CONNECTED_ACCOUNT_BUDGETS', () => {
  it('is empty by default: every connected account shares the platform\'s budget', () => {
    expect(loadConfig(base).rate.connectedAccounts).toEqual({});
  });

  it('reads account:reads/writes pairs', () => {
    const config = loadConfig({ ...base, STRIPE_CONNECTED_ACCOUNT_BUDGETS: 'acct_x:25/25, acct_Y9 : 100/50' });
    expect(config.rate.connectedAccounts).toEqual({ acct_x: { read: 25, write: 25 }, acct_Y9: { read: 100, write: 50 } });
  });

  it.each(['acct_x:25', 'acct_x=25/25', 'cus_1:25/25', 'acct_x:0/25', 'acct_x:25/25,'])('names the variable for %j', (value) => {
    let error: unknown;
    try {
      loadConfig({ ...base, STRIPE_CONNECTED_ACCOUNT_BUDGETS: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('STRIPE_CONNECTED_ACCOUNT_BUDGETS: must look like acct_x:25/25');
  });
});
