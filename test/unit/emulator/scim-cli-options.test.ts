import { describe, expect, it } from 'vitest';
import { parseEmulatorArgs } from '../../../src/emulator/cli-options.ts';

describe('emulator SCIM options', () => {
  it('default to the test token and 25 requests per second', () => {
    expect(parseEmulatorArgs([], {})).toMatchObject({ scimToken: 'scim_test_token', scimLimit: 25 });
  });

  it('come from flags, else from EMULATOR_SCIM_TOKEN and EMULATOR_SCIM_LIMIT', () => {
    expect(parseEmulatorArgs(['--scim-token', 'flagged', '--scim-limit', '3'], { EMULATOR_SCIM_TOKEN: 'env' })).toMatchObject({ scimToken: 'flagged', scimLimit: 3 });
    expect(parseEmulatorArgs([], { EMULATOR_SCIM_TOKEN: 'from-env', EMULATOR_SCIM_LIMIT: '0' })).toMatchObject({ scimToken: 'from-env', scimLimit: 0 });
  });

  it('refuses a negative limit, naming it', () => {
    expect(() => parseEmulatorArgs(['--scim-limit', '-1'], {})).toThrow(/--scim-limit/);
  });
});
