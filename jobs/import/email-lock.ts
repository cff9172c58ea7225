import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { sleep, untilAborted } from '../../src/rate-limit/abortable.ts';
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

/** A lock this process holds on one email. */
export interface HeldEmailLock {
  /** True when a renewal found the lock gone (the holder stalled longer than the TTL): do not create. */
  readonly lost: boolean;
  release(): Promise<void>;
}

/** Mutual exclusion per email address across every worker of every process of one Stripe account. */
export interface EmailLocks {
  /**
   * Resolves once this caller holds the email's lock. Callers in this process queue in call order; callers in
   * other processes are polled for. `onWait` runs once, when the caller has to wait (so it can give back its
   * in-flight slot). Rejects with the signal's reason on abort and with EmailLockTimeoutError after maxWaitMs.
   */
  acquire(email: string, options?: { signal?: AbortSignal; onWait?: () => void }): Promise<HeldEmailLock>;
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

/** Takes the Redis lock, polling with a growing pause while another process holds it. */
async function takeRedisLock(settings: LockSettings, key: string, token: string, signal: AbortSignal | undefined, waiting: () => void): Promise<void> {
  const { redis, ttlMs, maxWaitMs } = settings;
  const started = Date.now();
  let pause = 20;
  for (;;) {
    if ((await redis.set(key, token, 'PX', ttlMs, 'NX')) === 'OK') return;
    waiting();
    if (Date.now() - started > maxWaitMs) throw new EmailLockTimeoutError(Date.now() - started);
    await sleep(pause + Math.random() * pause, signal);
    pause = Math.min(pause * 2, 250);
  }
}

/** The lock as its holder sees it: renewed every third of its TTL until released. */
function heldLock(settings: LockSettings, key: string, token: string, unlinkLocal: () => void): HeldEmailLock {
  const { redis, ttlMs } = settings;
  let lost = false;
  const renewal = setInterval(() => {
    runLuaScript(redis, RENEW, [key], [token, ttlMs]).then(
      (r) => {
        if (r !== 1) lost = true;
      },
      () => undefined,
    );
  }, Math.max(50, Math.floor(ttlMs / 3)));
  renewal.unref();
  let released = false;
  return {
    get lost() {
      return lost;
    },
    async release() {
      if (released) return;
      released = true;
      clearInterval(renewal);
      try {
        await runLuaScript(redis, RELEASE, [key], [token]);
      } finally {
        unlinkLocal();
      }
    },
  };
}

export function createEmailLocks(options: EmailLockOptions): EmailLocks {
  const { queuePrefix, accountId } = options;
  const settings: LockSettings = { redis: options.redis, ttlMs: options.ttlMs ?? 10_000, maxWaitMs: options.maxWaitMs ?? 300_000 };
  // Tail of the in-process queue per key: local rows wait on each other without polling Redis.
  const tails = new Map<string, Promise<void>>();

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
      const previous = tails.get(key);
      let releaseLocal!: () => void;
      const mine = new Promise<void>((resolve) => (releaseLocal = resolve));
      const tail = (previous ?? Promise.resolve()).then(() => mine);
      tails.set(key, tail);
      const unlinkLocal = () => {
        releaseLocal();
        if (tails.get(key) === tail) tails.delete(key);
      };

      const token = randomUUID();
      try {
        if (previous) {
          waiting();
          await untilAborted(previous, signal);
        }
        await takeRedisLock(settings, key, token, signal, waiting);
      } catch (err) {
        // Keep the local queue in order: whoever waits behind us goes once our predecessor is done.
        if (previous) void previous.then(unlinkLocal);
        else unlinkLocal();
        throw err;
      }
      return heldLock(settings, key, token, unlinkLocal);
    },
  };
}
