import type { AddressInfo } from 'node:net';
import { createEmulatorServer, createEmulatorState } from './http-server.ts';
import { resolveOptions, type EmulatorOptions } from './options.ts';

export type { EmulatorOptions } from './options.ts';
export type { EmulatorStats } from './stats.ts';
export type { FaultCounts, FaultSettings } from './faults.ts';
export type { SeedCustomer, SeedRequest } from './seed.ts';

/** A listening emulator. */
export interface RunningEmulator {
  /** Base URL, e.g. `http://127.0.0.1:12111` (no trailing slash). */
  url: string;
  port: number;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** Starts a stateful Stripe-compatible Customers API (see options.ts for every option and its default). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const resolved = resolveOptions(options);
  const state = createEmulatorState(resolved);
  const server = createEmulatorServer(state);
  // stripe-node keeps sockets alive between requests; a short idle timeout keeps close() prompt.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
