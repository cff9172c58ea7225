import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { sleep } from '../../src/rate-limit/abortable.ts';
import { emailKeys } from '../../src/redis-keys.ts';
import { loadLuaScript, runLuaScript } from '../../src/redis-scripts.ts';

/** Options of {@link createEmailLocks}. */
export interface EmailLockOptions {
  redis: Redis;
  queuePrefix: string;
  /** The Stripe account (a hash or a configured name, never the key): locks are per account. */
  accountId: string;
  /**
   * Lifetime of a lock nobody renews, e.g. after kill -9 of its holder (default 10 s, renewed every third of it).
   * Shorter than the import job's lockDuration, so a resumed run finds the dead run's email locks expired.
   */
  ttlMs?: number;
  /** How long a row waits for another holder before giving up. */
  maxWaitMs?: number;
}

/** A lock this process holds on one email; `N` is what one holder may tell the next in this process. */
export interface HeldEmailLock<N = never> {
  /** True when a renewal found the lock gone (the holder stalled longer than the TTL): do not create. */
  readonly lost: boolean;
  /** What the previous holder in this process knew when it handed the lock over (undefined: taken from Redis). */
  readonly handedOver: N | undefined;
  /**
   * Gives the lock up. With a note, and a caller of this process waiting for the same email, the lock passes to
   * that caller with the note, without leaving Redis: no other process can have touched the email in between.
   */
  release(note?: N): Promise<void>;
}

/** Mutual exclusion per email address across every worker of every process of one Stripe account. */
export interface EmailLocks<N = never> {
  /**
   * Resolves once this caller holds the email's lock. Callers in this process queue in call order; callers in
   * other processes are polled for. `onWait` runs once, when the caller has to wait (so it can give back its
   * in-flight slot). Rejects with the signal's reason on abort and with EmailLockTimeoutError after maxWaitMs.
   */
  acquire(email: string, options?: { signal?: AbortSignal; onWait?: () => void }): Promise<HeldEmailLock<N>>;
}

/** The lock on an email stayed taken for longer than the wait allows. */
export class EmailLockTimeoutError extends Error {
  readonly code = 'stripe-bulk:email-lock-timeout';
  constructor(waitedMs: number) {
    super(`another row or import held the lock on this email for over ${Math.round(waitedMs / 1000)} s`);
    this.name = 'EmailLockTimeoutError';
  }
}

// Compare-and-delete and compare-and-extend: only the holder's token may release or renew the lock.
const RELEASE = loadLuaScript(new URL('./release-email-lock-1.lua', import.meta.url));
const RENEW = loadLuaScript(new URL('./renew-email-lock-1.lua', import.meta.url));

/** The Redis key of an email's lock: a hash of the normalised address, so no address is stored in a key name. */
export function emailLockKey(queuePrefix: string, accountId: string, email: string): string {
  return emailKeys.lock(queuePrefix, accountId, email);
}

interface LockSettings {
  redis: Redis;
  ttlMs: number;
  maxWaitMs: number;
}

/**
 * Consecutive hand-overs of one Redis lock inside a process before it is released to Redis anyway, so rows of
 * other processes waiting for a hot email get their turn.
 */
const MAX_HAND_OVERS = 8;

/** The Redis lock as this process holds it: one token, renewed every third of its TTL, across hand-overs. */
interface Holding {
  readonly key: string;
  readonly token: string;
  lost: boolean;
  handOvers: number;
  stop(): void;
}

/** Takes the Redis lock, polling with a growing pause while another process holds it. */
async function takeRedisLock(settings: LockSettings, key: string, signal: AbortSignal | undefined, waiting: () => void): Promise<Holding> {
  const { redis, ttlMs, maxWaitMs } = settings;
  const token = randomUUID();
  const started = Date.now();
  let pause = 20;
  while ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') {
    waiting();
    if (Date.now() - started > maxWaitMs) throw new EmailLockTimeoutError(Date.now() - started);
    await sleep(pause + Math.random() * pause, signal);
    pause = Math.min(pause * 2, 250);
  }
  const holding: Holding = { key, token, lost: false, handOvers: 0, stop: () => clearInterval(renewal) };
  const renewal = setInterval(() => {
    runLuaScript(redis, RENEW, [key], [token, ttlMs]).then(
      (r) => {
        if (r !== 1) holding.lost = true;
      },
      () => undefined,
    );
  }, Math.max(50, Math.floor(ttlMs / 3)));
  renewal.unref();
  return holding;
}

/** A local turn handed to a waiter: the held Redis lock and the note, or null to take the lock from Redis. */
type Turn<N> = { holding: Holding; note: N } | null;

/**
 * The callers of this process per email, in call order: the one whose turn it is holds (or is taking) the Redis
 * lock, the others wait here without polling Redis.
 */
class LocalTurns<N> {
  // A key is here while a local caller has the turn.
  private readonly queues = new Map<string, ((turn: Turn<N>) => void)[]>();

  /** Resolves when it is this caller's turn: at once (null) when nobody local has it. */
  take(key: string, signal: AbortSignal | undefined, waiting: () => void): Promise<Turn<N>> {
    const queue = this.queues.get(key);
    if (!queue) {
      this.queues.set(key, []);
      return Promise.resolve(null);
    }
    waiting();
    return new Promise<Turn<N>>((resolve, reject) => {
      const onAbort = () => {
        const at = queue.indexOf(wake);
        if (at >= 0) queue.splice(at, 1);
        reject(signal?.reason as Error);
      };
      const wake = (turn: Turn<N>) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(turn);
      };
      if (signal?.aborted) {
        reject(signal.reason as Error);
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(wake);
    });
  }

  hasWaiters(key: string): boolean {
    return (this.queues.get(key)?.length ?? 0) > 0;
  }

  /** Ends the current turn: the next local waiter gets `turn`, or the queue ends. */
  pass(key: string, turn: Turn<N>): void {
    const next = this.queues.get(key)?.shift();
    if (next) next(turn);
    else this.queues.delete(key);
  }
}

function heldLock<N>(settings: LockSettings, turns: LocalTurns<N>, holding: Holding, handedOver: N | undefined): HeldEmailLock<N> {
  let released = false;
  return {
    get lost() {
      return holding.lost;
    },
    handedOver,
    async release(note?: N) {
      if (released) return;
      released = true;
      if (note !== undefined && turns.hasWaiters(holding.key) && !holding.lost && holding.handOvers < MAX_HAND_OVERS) {
        holding.handOvers += 1;
        turns.pass(holding.key, { holding, note });
        return;
      }
      holding.stop();
      try {
        await runLuaScript(settings.redis, RELEASE, [holding.key], [holding.token]);
      } finally {
        turns.pass(holding.key, null);
      }
    },
  };
}

export function createEmailLocks<N = never>(options: EmailLockOptions): EmailLocks<N> {
  const { queuePrefix, accountId } = options;
  const settings: LockSettings = { redis: options.redis, ttlMs: options.ttlMs ?? 10_000, maxWaitMs: options.maxWaitMs ?? 300_000 };
  const turns = new LocalTurns<N>();
  return {
    async acquire(email, { signal, onWait } = {}) {
      const key = emailLockKey(queuePrefix, accountId, email);
      let waited = false;
      const waiting = () => {
        if (!waited) {
          waited = true;
          onWait?.();
        }
      };
      const turn = await turns.take(key, signal, waiting);
      if (turn) return heldLock(settings, turns, turn.holding, turn.note);
      try {
        return heldLock(settings, turns, await takeRedisLock(settings, key, signal, waiting), undefined);
      } catch (err) {
        // Keep the local queue going: whoever waits behind us takes the lock from Redis.
        turns.pass(key, null);
        throw err;
      }
    },
  };
}
