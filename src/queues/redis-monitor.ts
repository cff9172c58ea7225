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

type Watched = { name: string; state: State };

/** One log line per change of state, whichever connection saw it first. */
class ConnectionMonitor implements RedisMonitor {
  private readonly where: string;
  private readonly watched = new Map<Redis, Watched>();
  /** Called on every `ready`, by waitUntilReady's pending promises. */
  private readonly changed = new Set<() => void>();
  private lastError: Error | undefined;
  private stopped = false;
  private announcedConnected = false;
  private announcedUnreachable = false;
  private lostAt: number | undefined;

  constructor(
    url: string,
    private readonly logger: Logger,
  ) {
    this.where = `Redis at REDIS_URL=${redactRedisUrl(url)}`;
  }

  watch(redis: Redis, name: string): void {
    const entry: Watched = { name, state: redis.status === 'ready' ? 'ready' : 'pending' };
    this.watched.set(redis, entry);
    redis.on('error', (err: Error) => this.onError(entry, err));
    redis.on('ready', () => this.onReady(entry));
    redis.on('close', () => this.onClose(entry));
  }

  waitUntilReady(timeoutMs: number): Promise<void> {
    const allReady = () => [...this.watched.keys()].every((r) => r.status === 'ready');
    if (allReady()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.changed.delete(check);
      };
      const check = () => {
        if (!allReady()) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        const seconds = Math.round(timeoutMs / 1000);
        reject(new Error(`${this.where} cannot be reached after ${seconds} s${this.reason()}: check REDIS_URL and that Redis is running`));
      }, timeoutMs);
      this.changed.add(check);
    });
  }

  stop(): void {
    this.stopped = true;
  }

  private reason(): string {
    return this.lastError ? ` (${this.lastError.message})` : '';
  }

  private anyLost(): boolean {
    return [...this.watched.values()].some((w) => w.state === 'lost');
  }

  private onError(entry: Watched, err: Error): void {
    this.lastError = err;
    if (this.stopped || entry.state !== 'pending' || this.announcedUnreachable) return;
    this.announcedUnreachable = true;
    this.logger.warn({ connection: entry.name }, `${this.where} cannot be reached${this.reason()}; retrying`);
  }

  private onReady(entry: Watched): void {
    const was = entry.state;
    entry.state = 'ready';
    for (const notify of this.changed) notify();
    if (this.stopped) return;
    if (was === 'pending' && !this.announcedConnected) {
      this.announcedConnected = true;
      this.logger.info({ connection: entry.name }, `${this.where} connected`);
    } else if (was === 'lost' && !this.anyLost()) {
      const downMs = this.lostAt === undefined ? undefined : Date.now() - this.lostAt;
      this.lostAt = undefined;
      this.logger.info({ connection: entry.name, downMs }, `${this.where} reconnected`);
    }
  }

  private onClose(entry: Watched): void {
    if (entry.state !== 'ready') return;
    const first = !this.anyLost();
    entry.state = 'lost';
    if (this.stopped || !first) return;
    this.lostAt = Date.now();
    this.logger.warn(
      { connection: entry.name },
      `${this.where} connection lost${this.reason()}; retrying. The API answers 503 redis_unavailable and workers wait until it is back`,
    );
  }
}

/** `url` is REDIS_URL; only its redacted form is ever logged. */
export function createRedisMonitor(url: string, logger: Logger): RedisMonitor {
  return new ConnectionMonitor(url, logger);
}
