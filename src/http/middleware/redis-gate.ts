import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { AppError } from '../../errors.ts';
import { isRedisConnectionError } from '../../queues/redis-monitor.ts';
import { httpErrorFields } from './http-error-fields.ts';

/**
 * The answer to a `/v1` request while Redis is away. The URL is not shown: the server log has it, password hidden.
 * `refused`: the gate stopped it before anything was sent to Redis. `interrupted`: Redis went away (or stopped
 * answering) while it ran, and a command already sent may still have been applied.
 */
export function redisUnavailable(kind: 'refused' | 'interrupted' | 'not_accepted' = 'refused'): AppError {
  const messages = {
    refused: 'Redis at REDIS_URL cannot be reached, so nothing was done; retry when GET /readyz answers 200.',
    interrupted:
      'Redis at REDIS_URL stopped answering while this request ran, so it may be incomplete; when GET /readyz ' +
      'answers 200, check the list before retrying.',
    not_accepted:
      'Redis at REDIS_URL stopped answering before this job was accepted, so it will never run (if its record ' +
      'appears in the list, it ends failed); retry when GET /readyz answers 200.',
  };
  return new AppError('redis_unavailable', messages[kind], 503);
}

/** How long a request waits for a connection attempt already under way (a process that has just started). */
export const CONNECTING_WAIT_MS = 1_000;

/** Resolves true when `redis` becomes ready within `ms`, false when the attempt fails or time runs out. */
export function readyWithin(redis: Redis, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const settle = (ready: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('close', onClose);
      resolve(ready);
    };
    const onReady = () => settle(true);
    const onClose = () => settle(false);
    const timer = setTimeout(() => settle(false), ms);
    redis.once('ready', onReady);
    redis.once('close', onClose);
  });
}

/**
 * Answers 503 `redis_unavailable` while the API's connection is not ready, before the body is read or anything is
 * written: waiting for Redis would leave the client hanging, and queueing would run the job later. Only a connection
 * attempt already under way (status connecting/connect) is given up to 1 s, so an answer still comes within 2 s.
 */
export function redisGate(redis: Redis): RequestHandler {
  // One wait shared by the requests that arrive during one attempt, so a burst adds two listeners, not two per request.
  let attempt: Promise<boolean> | undefined;
  const waitForAttempt = () =>
    (attempt ??= readyWithin(redis, CONNECTING_WAIT_MS).finally(() => {
      attempt = undefined;
    }));
  return (req, _res, next) => {
    if (redis.status === 'ready') { next(); return; }
    const connecting = redis.status === 'connecting' || redis.status === 'connect';
    void (connecting ? waitForAttempt() : Promise.resolve(false)).then((ready) => {
      if (ready) { next(); return; }
      // Drain the body (an upload) so the client reads the answer instead of a reset.
      req.resume();
      next(redisUnavailable());
    });
  };
}

/** Maps a Redis connection that died while the request ran (the gate had let it in) to the same 503. */
export function redisErrors(redis: Redis): ErrorRequestHandler {
  return (err: unknown, _req, _res, next) => {
    const status = httpErrorFields(err)?.status;
    const clientError = err instanceof AppError || (status !== undefined && status < 500);
    if (isRedisConnectionError(err) || (!clientError && redis.status !== 'ready')) {
      next(redisUnavailable('interrupted'));
      return;
    }
    next(err);
  };
}
