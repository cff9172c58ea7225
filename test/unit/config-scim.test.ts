import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

const BASE = { STRIPE_SECRET_KEY: 'sk_test_abc' };

describe('SCIM configuration', () => {
  it('defaults to the Dashboard SCIM endpoint, no token and 10 requests per second', () => {
    expect(loadConfig(BASE).scim).toMatchObject({ url: 'https://dashboard.stripe.com/scim/v2', token: undefined, rps: 10 });
  });

  it('reads the URL (without a trailing slash), the token and the rate', () => {
    const scim = loadConfig({ ...BASE, STRIPE_SCIM_URL: 'http://127.0.0.1:12111/scim/v2/', STRIPE_SCIM_TOKEN: 'tok_12345678', STRIPE_SCIM_RATE: '3' }).scim;
    expect(scim).toMatchObject({ url: 'http://127.0.0.1:12111/scim/v2', token: 'tok_12345678', rps: 3 });
  });

  it('names every bad SCIM variable without repeating the token', () => {
    let caught: unknown;
    try {
      loadConfig({ ...BASE, STRIPE_SCIM_URL: 'not a url', STRIPE_SCIM_TOKEN: 'short t', STRIPE_SCIM_RATE: '0' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    for (const name of ['STRIPE_SCIM_URL', 'STRIPE_SCIM_TOKEN', 'STRIPE_SCIM_RATE']) expect(message).toContain(name);
    expect(message).not.toContain('short t');
  });
});
