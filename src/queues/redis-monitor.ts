import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { redactRedisUrl } from './connection.ts';

/** Codes and messages of a Redis that is away (not of a command Redis refused). */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const CONNECTION_MESSAGES = [
  'Connection is closed',
  "Stream isn't writeable",
  'Command timed out',
  'Command aborted due to connection close',
  'Reached the max retries per request limit',
  'LOADING',
];

/** True for an error that means "Redis cannot be reached right now", as ioredis and BullMQ report it. */
export function isRedisConnectionError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, name, message } = err as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  if (name === 'MaxRetriesPerRequestError') return true;
  return typeof message === 'string' && CONNECTION_MESSAGES.some((m) => message.startsWith(m) || message.includes(` ${m}`));
}

/** Watches a process's Redis connections and logs one line per change of their state, never one per retry. */
export interface RedisMonitor {
  /** Starts watching a connection (its errors are handled here from now on). */
  watch(redis: Redis, name: string): void;
  /**
   * Resolves once every watched connection is ready. Otherwise, after `timeoutMs`, rejects with an Error whose
   * message names REDIS_URL (password hidden) and the last connection error.
   */
  waitUntilReady(timeoutMs: number): Promise<void>;
  /** Stops logging (call before closing the connections on purpose). */
  stop(): void;
}

type State = 'pending' | 'ready' | 'lost';

/** `url` is REDIS_URL; only its redacted form is ever logged. */
export function createRedisMonitor(url: string, logger: Logger): RedisMonitor {
  const where = `Redis at REDIS_URL=${redactRedisUrl(url)}`;
  const watched = new Map<Redis, { name: string; state: State }>();
  let lastError: Error | undefined;
  let stopped = false;
  let announcedConnected = false;
  let announcedUnreachable = false;
  let lostAt: number | undefined;
  const changed = new Set<() => void>();
  const reason = () => (lastError ? ` (${lastError.message})` : '');
  const anyLost = () => [...watched.values()].some((w) => w.state === 'lost');

  function watch(redis: Redis, name: string): void {
    const entry = { name, state: (redis.status === 'ready' ? 'ready' : 'pending') as State };
    watched.set(redis, entry);
    redis.on('error', (err: Error) => {
      lastError = err;
      if (stopped || entry.state !== 'pending' || announcedUnreachable) return;
      announcedUnreachable = true;
      logger.warn({ connection: name }, `${where} cannot be reached${reason()}; retrying`);
    });
    redis.on('ready', () => {
      const was = entry.state;
      entry.state = 'ready';
      for (const notify of changed) notify();
      if (stopped) return;
      if (was === 'pending' && !announcedConnected) {
        announcedConnected = true;
        logger.info({ connection: name }, `${where} connected`);
      } else if (was === 'lost' && !anyLost()) {
        const downMs = lostAt === undefined ? undefined : Date.now() - lostAt;
        lostAt = undefined;
        logger.info({ connection: name, downMs }, `${where} reconnected`);
      }
    });
    redis.on('close', () => {
      if (entry.state !== 'ready') return;
      const first = !anyLost();
      entry.state = 'lost';
      if (stopped || !first) return;
      lostAt = Date.now();
      logger.warn(
        { connection: name },
        `${where} connection lost${reason()}; retrying. The API answers 503 redis_unavailable and workers wait until it is back`,
      );
    });
  }

  function waitUntilReady(timeoutMs: number): Promise<void> {
    const allReady = () => [...watched.keys()].every((r) => r.status === 'ready');
    if (allReady()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        changed.delete(check);
      };
      const check = () => {
        if (!allReady()) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        const seconds = Math.round(timeoutMs / 1000);
        reject(new Error(`${where} cannot be reached after ${seconds} s${reason()}: check REDIS_URL and that Redis is running`));
      }, timeoutMs);
      changed.add(check);
    });
  }

  return {
    watch,
    waitUntilReady,
    stop() {
      stopped = true;
    },
  };
}
