import { describe, expect, it } from 'vitest';
import { createRedisClock } from '../../../src/rate-limit/redis-clock.ts';

describe('createRedisClock', () => {
  it('narrows the offset by intersecting the bounds each round-trip gives', () => {
    const clock = createRedisClock();
    const t = clock.local();
    // Redis is 5 s ahead. Calls sent together but run one after another: the late ones say little.
    clock.sample(t, t + 3, Math.floor(t + 5000 + 0.5));
    clock.sample(t, t + 12, Math.floor(t + 5000 + 10.5));
    clock.sample(t + 50, t + 51.5, Math.floor(t + 5000 + 51));
    expect(Math.abs(clock.offset()! - 5000)).toBeLessThan(1.5);
  });

  it('gives no offset while the samples leave it uncertain', () => {
    const clock = createRedisClock();
    expect(clock.offset()).toBeUndefined();
    const t = clock.local();
    clock.sample(t, t + 60, Math.floor(t + 30));
    expect(clock.offset()).toBeUndefined();
  });

  it('starts again when the Redis clock steps', () => {
    const clock = createRedisClock();
    const t = clock.local();
    clock.sample(t, t + 1, Math.floor(t + 0.5));
    // Redis' clock jumped 2 s ahead: the new bounds do not meet the old ones.
    clock.sample(t + 10, t + 11, Math.floor(t + 2010.5));
    expect(Math.abs(clock.offset()! - 2000)).toBeLessThan(1.5);
  });
});
