import { describe, expect, it } from 'vitest';
import { startTestEmulator } from '../../helpers/emulator.ts';
import { createTestServices } from '../../helpers/services.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';

// ioredis copies every command defined on a connection onto each MULTI and pipeline built from it; BullMQ defines
// its ~50 scripts on a queue's connection. The jobs' connection must not carry them: on it that copying cost 6% of
// an import's CPU (bench: import-headroom).
describe('the connection jobs run their own Redis commands on', () => {
  const closing = closeAfterAll();

  it('is not the queues\' connection, and carries none of BullMQ\'s scripts even after queues have been used', async () => {
    const emulator = closing(await startTestEmulator());
    const services = closing(createTestServices({ emulatorUrl: emulator.url }));
    await services.queues.import.getJobCounts();
    await services.queues.export.add('export-customers', { probe: true }, { delay: 60_000 });
    const queueClient = services.queues.import.opts.connection as typeof services.redis;
    expect(queueClient).not.toBe(services.redis);
    expect(Object.keys(queueClient.scriptsSet).length).toBeGreaterThan(10);
    const defined = Object.keys(services.redis.scriptsSet);
    expect(defined.every((name) => name.startsWith('stripeBulk')), defined.join(', ')).toBe(true);
    // A MULTI on it still works and is atomic.
    const replies = await services.redis.multi().set(`${services.prefix}:probe`, '1').get(`${services.prefix}:probe`).exec();
    expect(replies).toEqual([[null, 'OK'], [null, '1']]);
  });
});
