import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.ts';

const base = { STRIPE_SECRET_KEY: 'sk_test_abc123' };

describe('STRIPE_BUDGET_FRACTION', () => {
  it('defaults to 1 (bulk jobs may use every configured limit) and reads a share in (0, 1]', () => {
    expect(loadConfig(base).rate.budgetFraction).toBe(1);
    expect(loadConfig({ ...base, STRIPE_BUDGET_FRACTION: '0.5' }).rate.budgetFraction).toBe(0.5);
    expect(loadConfig({ ...base, STRIPE_BUDGET_FRACTION: '1' }).rate.budgetFraction).toBe(1);
    expect(loadConfig({ ...base, STRIPE_BUDGET_FRACTION: '0.01' }).rate.budgetFraction).toBe(0.01);
  });

  it.each(['0', '-0.5', '1.5', 'half', '50%'])('refuses %s with an error naming the variable and the range', (bad) => {
    const err = (() => {
      try {
        loadConfig({ ...base, STRIPE_BUDGET_FRACTION: bad });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^STRIPE_BUDGET_FRACTION: must be (a number )?(greater than 0 and )?at most 1/);
  });

  it('is named beside every other bad variable in one error', () => {
    expect(() => loadConfig({ ...base, STRIPE_BUDGET_FRACTION: '2', PORT: 'x' })).toThrow(/PORT[\s\S]*STRIPE_BUDGET_FRACTION|STRIPE_BUDGET_FRACTION[\s\S]*PORT/);
  });
});
