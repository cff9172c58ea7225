import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';

const base = { STRIPE_SECRET_KEY: 'sk_test_abc123', BOARD_USER: 'ops', BOARD_PASSWORD: 'board-password-1' };

describe('BOARD_READ_ONLY', () => {
  it('is off unless set to true', () => {
    expect(loadConfig(base).board.readOnly).toBe(false);
    expect(loadConfig({ ...base, BOARD_READ_ONLY: 'false' }).board.readOnly).toBe(false);
    expect(loadConfig({ ...base, BOARD_READ_ONLY: 'true' }).board.readOnly).toBe(true);
  });

  it('refuses anything but true or false, naming the variable', () => {
    expect(() => loadConfig({ ...base, BOARD_READ_ONLY: 'yes' })).toThrow(/BOARD_READ_ONLY: must be true or false/);
  });
});
