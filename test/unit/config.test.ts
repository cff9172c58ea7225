import { describe, expect, it } from 'vitest';
import { accountIdForKey, ConfigError, loadConfig } from '../../src/config.ts';

const base = { STRIPE_SECRET_KEY: 'sk_test_abc123' };

describe('loadConfig', () => {
  it('applies defaults, test-mode limits for a test key, and names the account by a hash of the key', () => {
    const config = loadConfig(base);
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.port).toBe(3000);
    expect(config.rate.read).toBe(25);
    expect(config.rate.write).toBe(25);
    expect(config.rate.search).toBe(20);
    expect(config.stripe.apiUrl).toBeUndefined();
    expect(config.stripe.livemode).toBe(false);
    expect(config.stripe.accountId).toBe(accountIdForKey('sk_test_abc123'));
    expect(config.stripe.accountId).not.toContain('abc123');
  });

  it('gives live keys the live-mode limits and honours explicit ones', () => {
    expect(loadConfig({ STRIPE_SECRET_KEY: 'rk_live_xyz' }).rate).toMatchObject({ read: 100, write: 100 });
    const config = loadConfig({ ...base, STRIPE_READ_RPS: '40', STRIPE_WRITE_RPS: '30', STRIPE_ACCOUNT_NAME: 'acme-eu' });
    expect(config.rate).toMatchObject({ read: 40, write: 30 });
    expect(config.stripe.accountId).toBe('acme-eu');
  });

  it('reads the minimum interval of export schedules (default 15 minutes, 0 lifts it) and names a bad value', () => {
    expect(loadConfig(base).exportScheduleMinIntervalMinutes).toBe(15);
    expect(loadConfig({ ...base, EXPORT_SCHEDULE_MIN_INTERVAL_MINUTES: '60' }).exportScheduleMinIntervalMinutes).toBe(60);
    expect(loadConfig({ ...base, EXPORT_SCHEDULE_MIN_INTERVAL_MINUTES: '0' }).exportScheduleMinIntervalMinutes).toBe(0);
    for (const bad of ['-1', '1.5', 'hourly']) {
      expect(() => loadConfig({ ...base, EXPORT_SCHEDULE_MIN_INTERVAL_MINUTES: bad }), bad).toThrow(/EXPORT_SCHEDULE_MIN_INTERVAL_MINUTES/);
    }
  });

  it('binds the API to loopback unless HOST says otherwise; an empty HOST is an error naming it', () => {
    expect(loadConfig(base).host).toBe('127.0.0.1');
    expect(loadConfig({ ...base, HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(() => loadConfig({ ...base, HOST: ' ' })).toThrow(/HOST: must not be empty/);
  });

  it('parses per-endpoint budgets', () => {
    const config = loadConfig({ ...base, STRIPE_ENDPOINT_RPS: 'customers.list=25, customers.create=20' });
    expect(config.rate.endpoints).toEqual({ 'customers.list': 25, 'customers.create': 20 });
  });

  it('names every bad or missing variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({ REDIS_URL: 'localhost:6379', PORT: 'eighty', STRIPE_READ_RPS: '-1', BOARD_USER: 'ops' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['REDIS_URL', 'STRIPE_SECRET_KEY', 'PORT', 'STRIPE_READ_RPS']) expect(message).toContain(name);
  });

  it('rejects a key of the wrong shape without echoing it', () => {
    expect(() => loadConfig({ STRIPE_SECRET_KEY: 'pk_live_publishable' })).toThrow(/STRIPE_SECRET_KEY/);
    try {
      loadConfig({ STRIPE_SECRET_KEY: 'pk_live_publishable' });
    } catch (err) {
      expect((err as Error).message).not.toContain('pk_live_publishable');
    }
  });

  it('requires BOARD_USER and BOARD_PASSWORD together', () => {
    expect(() => loadConfig({ ...base, BOARD_PASSWORD: 'long-enough-secret' })).toThrow(/BOARD_USER and BOARD_PASSWORD/);
  });
});
