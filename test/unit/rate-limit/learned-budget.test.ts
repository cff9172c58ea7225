import { describe, expect, it } from 'vitest';
import { createBudgetView } from '../../../src/rate-limit/learned-budget.ts';
import type { RequestKind } from '../../../src/rate-limit/rate-limiter.ts';

describe('createBudgetView', () => {
  it('starts at the configured budgets and reports each change once, in requests per second', () => {
    const changes: [RequestKind, number][] = [];
    const view = createBudgetView({ read: 100, write: 100, search: 20 }, (kind, rps) => changes.push([kind, rps]));
    expect(changes).toEqual([['read', 100], ['write', 100], ['search', 20]]);
    view.heard('read', 2_500, 1_700_000_000_000);
    view.heard('read', 2_500, 1_700_000_000_000);
    expect(changes.slice(3)).toEqual([['read', 25]]);
    expect(view.budgets()).toEqual({ read: 25, write: 100, search: 20 });
    expect(view.epoch('read')).toBe(1_700_000_000_000);
    expect(view.epoch('write')).toBe(0);
  });

  it('takes the latest reply, so a budget forgotten after growing back (epoch 0) does not look lowered', () => {
    const view = createBudgetView({ read: 100, write: 100, search: 20 });
    view.heard('read', 5_000, 1_700_000_000_000);
    view.heard('read', 10_000, 0);
    expect(view.epoch('read')).toBe(0);
    expect(view.budgets().read).toBe(100);
  });
});
