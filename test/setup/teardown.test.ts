import { describe, expect, it } from 'vitest';
import { teardownOn, type Teardown } from '../helpers/teardown.ts';

/** A teardown on a hook the test runs itself, and a log of what was closed. */
function harness(): { closing: Teardown; cleanUp: () => Promise<void>; closed: string[] } {
  const hooks: Array<() => Promise<void>> = [];
  const closing = teardownOn((cleanUp) => hooks.push(cleanUp));
  expect(hooks).toHaveLength(1);
  return { closing, cleanUp: () => hooks[0]!(), closed: [] };
}

const resource = (name: string, closed: string[], error?: Error) => ({
  name,
  close: () => {
    closed.push(name);
    return error === undefined ? Promise.resolve() : Promise.reject(error);
  },
});

describe('closeAfterAll / closeAfterEach', () => {
  it('closes what was registered, newest first, steps included, and returns each resource as registered', async () => {
    const { closing, cleanUp, closed } = harness();
    const emulator = resource('emulator', closed);
    expect(closing(emulator)).toBe(emulator);
    closing(resource('services', closed));
    closing.defer(() => closed.push('rm data dir'));
    closing(resource('listening', closed));
    expect(closed).toEqual([]);
    await cleanUp();
    expect(closed).toEqual(['listening', 'rm data dir', 'services', 'emulator']);
  });

  it('closes only what a half-done beforeAll opened, and a second run closes nothing twice', async () => {
    const { closing, cleanUp, closed } = harness();
    const opened = async () => {
      closing(resource('emulator', closed));
      await Promise.reject(new Error('services failed to start'));
      closing(resource('services', closed));
    };
    await expect(opened()).rejects.toThrow('services failed to start');
    await cleanUp();
    await cleanUp();
    expect(closed).toEqual(['emulator']);
  });

  it('runs every step when one fails, then fails with its error, or with all of them', async () => {
    const one = harness();
    one.closing(resource('a', one.closed));
    one.closing(resource('b', one.closed, new Error('b would not close')));
    one.closing(resource('c', one.closed));
    await expect(one.cleanUp()).rejects.toThrow('b would not close');
    expect(one.closed).toEqual(['c', 'b', 'a']);

    const two = harness();
    two.closing(resource('a', two.closed, new Error('a failed')));
    two.closing(resource('b', two.closed, new Error('b failed')));
    const error: unknown = await two.cleanUp().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors.map((e: Error) => e.message)).toEqual(['b failed', 'a failed']);
    expect(two.closed).toEqual(['b', 'a']);
  });
});
