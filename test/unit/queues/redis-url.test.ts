import { describe, expect, it } from 'vitest';
import { redactRedisUrl } from '../../../src/queues/connection.ts';
import { isRedisConnectionError } from '../../../src/queues/redis-monitor.ts';

describe('redactRedisUrl', () => {
  it('hides the password of REDIS_URL and keeps what locates the server', () => {
    expect(redactRedisUrl('redis://:s3cret@10.0.0.5:6380')).toBe('redis://:***@10.0.0.5:6380');
    expect(redactRedisUrl('rediss://app:s3cret@redis.internal:6379/2')).toBe('rediss://app:***@redis.internal:6379/2');
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactRedisUrl('not a url s3cret')).not.toContain('s3cret');
  });
});

describe('isRedisConnectionError', () => {
  it('recognises a Redis that is away, as ioredis and BullMQ report it, and nothing else', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    expect(isRedisConnectionError(refused)).toBe(true);
    expect(isRedisConnectionError(new Error("Stream isn't writeable and enableOfflineQueue options is false"))).toBe(true);
    expect(isRedisConnectionError(new Error('Connection is closed.'))).toBe(true);
    expect(isRedisConnectionError(new Error('Command timed out'))).toBe(true);
    expect(isRedisConnectionError(Object.assign(new Error('x'), { name: 'MaxRetriesPerRequestError' }))).toBe(true);
    expect(isRedisConnectionError(new Error('LOADING Redis is loading the dataset in memory'))).toBe(true);
    expect(isRedisConnectionError(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(false);
    expect(isRedisConnectionError(new Error('ENOENT: no such file or directory'))).toBe(false);
    expect(isRedisConnectionError(undefined)).toBe(false);
  });
});
