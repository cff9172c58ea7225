import { describe, expect, it } from 'vitest';
import { rateLimitKeys } from '../../../src/rate-limit/rate-limit-keys.ts';

describe('rateLimitKeys', () => {
  it('puts every key of one account under one hash tag', () => {
    const keys = rateLimitKeys('stripe-bulk', 'acct-0123456789abcdef');
    expect(keys.coolDown).toBe('stripe-bulk:rate:{acct-0123456789abcdef}:cool-down');
    expect(keys.classLog('search')).toBe('stripe-bulk:rate:{acct-0123456789abcdef}:search');
    expect(keys.endpointLog('customers.list')).toBe('stripe-bulk:rate:{acct-0123456789abcdef}:endpoint:customers.list');
  });

  it('refuses a Stripe key as account name, and odd characters, without echoing them', () => {
    expect(() => rateLimitKeys('p', 'sk_live_abc123')).toThrow(/looks like a Stripe key/);
    expect(() => rateLimitKeys('p', 'rk_test_abc123')).toThrow(/looks like a Stripe key/);
    expect(() => rateLimitKeys('p', 'a b')).toThrow(/accountId must be/);
    expect(() => rateLimitKeys('p', 'a b')).not.toThrow(/a b/);
    expect(() => rateLimitKeys('p', 'acct').endpointLog('customers list')).toThrow(/endpoint must be/);
  });
});
