import { describe, expect, it } from 'vitest';
import { parseApiUrl } from '../../../src/stripe/client.ts';

describe('parseApiUrl', () => {
  it('reads host, port and protocol, with the default port of each protocol', () => {
    expect(parseApiUrl('http://127.0.0.1:12111')).toEqual({ host: '127.0.0.1', port: 12111, protocol: 'http' });
    expect(parseApiUrl('https://stripe.internal/')).toEqual({ host: 'stripe.internal', port: 443, protocol: 'https' });
    expect(parseApiUrl('http://emulator')).toEqual({ host: 'emulator', port: 80, protocol: 'http' });
  });

  it('refuses other protocols and base paths stripe-node would drop', () => {
    expect(() => parseApiUrl('ftp://x')).toThrow(/http or https/);
    expect(() => parseApiUrl('http://x/stripe/v1')).toThrow(/must not have a path/);
  });
});
