import { afterAll, afterEach } from 'vitest';

/** What a test opens and must close: an emulator, services, a listening app, a harness, a browser. */
export interface Closable {
  close(): Promise<unknown>;
}

/** Registers what a `beforeAll` (or `beforeEach`) opened, the moment it exists; see {@link closeAfterAll}. */
export interface Teardown {
  /** Closes `resource` after the block's tests; returns it, so `x = closing(await open())` registers as it assigns. */
  <T extends Closable>(resource: T): T;
  /** Runs `step` after the block's tests (a stop, a directory to remove). */
  defer(step: () => unknown): void;
}

/**
 * Cleans up after all tests of the enclosing block (call it where `afterAll` would go), newest registration first.
 * A `beforeAll` that fails half-way still closes what it had opened, and only that: the `afterAll(() => h?.close())`
 * it replaces did the same with a type that claimed `h` always existed. Every step runs even if one fails.
 */
export function closeAfterAll(): Teardown {
  return teardownOn(afterAll);
}

/** {@link closeAfterAll} for what a `beforeEach` opens: cleans up after each test of the enclosing block. */
export function closeAfterEach(): Teardown {
  return teardownOn(afterEach);
}

/** The mechanism of both, on any hook that runs `cleanUp` later (exported for its own test). */
export function teardownOn(hook: (cleanUp: () => Promise<void>) => void): Teardown {
  const steps: Array<() => unknown> = [];
  hook(async () => {
    const errors: unknown[] = [];
    for (const step of steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} cleanup steps failed`);
  });
  const closing = <T extends Closable>(resource: T): T => {
    steps.push(() => resource.close());
    return resource;
  };
  return Object.assign(closing, {
    defer(step: () => unknown) {
      steps.push(step);
    },
  });
}
