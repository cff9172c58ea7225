import { describe, expect, it } from 'vitest';
import { CLI_DEFAULTS, parseEmulatorArgs } from '../../../src/emulator/cli-options.ts';

describe('parseEmulatorArgs', () => {
  it('uses realistic defaults for rehearsals', () => {
    const o = parseEmulatorArgs([], {});
    expect(o).toMatchObject({ port: CLI_DEFAULTS.port, readLimit: 100, writeLimit: 100, searchLimit: 20, searchLagMs: 1000 });
    expect(o.keys).toBeUndefined();
  });

  it('reads flags, with the environment as fallback', () => {
    const o = parseEmulatorArgs(
      ['--port', '0', '--latency', '150', '--jitter', '50', '--write-limit', 'Infinity', '--keys', 'sk_test_a, sk_test_b'],
      { EMULATOR_READ_LIMIT: '25', EMULATOR_PORT: '9', EMULATOR_ERROR_RATE: '0.1' },
    );
    expect(o).toMatchObject({ port: 0, latencyMs: 150, jitterMs: 50, readLimit: 25, errorRate: 0.1, keys: ['sk_test_a', 'sk_test_b'] });
    expect(o.writeLimit).toBe(Number.POSITIVE_INFINITY);
  });

  it('reads the fault flags: reset after create (share or count) and the seed', () => {
    const o = parseEmulatorArgs(['--reset-after-create-rate', '0.2', '--fault-seed', '42'], { EMULATOR_RESET_AFTER_CREATE_COUNT: '3' });
    expect(o).toMatchObject({ resetAfterCreateRate: 0.2, resetAfterCreateCount: 3, faultSeed: 42 });
    expect(parseEmulatorArgs([], { EMULATOR_FAULT_SEED: '9' }).faultSeed).toBe(9);
    expect(parseEmulatorArgs([], {}).faultSeed).toBeUndefined();
  });

  it('rejects a bad number, naming the flag or variable', () => {
    expect(() => parseEmulatorArgs(['--latency', 'soon'], {})).toThrow(/--latency/);
    expect(() => parseEmulatorArgs([], { EMULATOR_SEARCH_LAG_MS: '-5' })).toThrow(/EMULATOR_SEARCH_LAG_MS/);
  });
});
