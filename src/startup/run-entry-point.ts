import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import express from 'express';
import { createHealthRouter } from '../http/routes/health-routes.ts';
import { createMetricsRouter } from '../http/routes/metrics-route.ts';
import type { KeyStatus } from '../http/routes/health-routes.ts';
import { createLogger, type Logger } from '../logger.ts';
import { startWorkers, type RunningWorkers } from './start-workers.ts';
import { createApiServices, createServices, type ApiServices, type Services } from '../services.ts';
import { checkDataDir } from '../data-dir-probe.ts';
import { checkStripeKey } from './check-stripe-key.ts';

/**
 * How long a starting process waits for Redis before it exits (code 4). Long enough for a Redis started alongside
 * it (docker compose, a pod) to come up; short enough that a wrong REDIS_URL is reported, not retried for ever.
 */
export const REDIS_START_TIMEOUT_MS = 20_000;

/** What one process runs. */
export interface EntryPointOptions {
  name: 'server' | 'worker';
  http: boolean;
  workers: boolean;
  /** Grace period for in-flight rows on SIGTERM/SIGINT before a forced exit. */
  graceMs?: number;
}

/** The config from the environment, or exit 2 naming every bad variable. */
function configOrExit(): Config {
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example for every variable.\n`);
      process.exit(2);
    }
    throw err;
  }
}

/** What a process runs on once its checks passed. */
interface Connected {
  services: Services;
  api: ApiServices | undefined;
  keyStatus: KeyStatus;
}

/** DATA_DIR writable (else exit 5), Redis reached (else exit 4), the Stripe key accepted (else exit 3). */
async function connectOrExit(config: Config, logger: Logger, http: boolean): Promise<Connected> {
  const dataDir = await checkDataDir(config.dataDir);
  if (!dataDir.ok) {
    logger.fatal(dataDir.message);
    process.exit(5);
  }
  const services = createServices(config, logger);
  const api: ApiServices | undefined = http ? createApiServices(services) : undefined;
  try {
    await services.redisMonitor.waitUntilReady(REDIS_START_TIMEOUT_MS);
  } catch (err) {
    // Nothing to close gracefully: no connection ever opened, and quit() would wait in the offline queue.
    logger.fatal(`${(err as Error).message}; exiting`);
    process.exit(4);
  }
  const keyStatus = await checkStripeKey(services.gateway);
  if (!keyStatus.ok) {
    logger.fatal(keyStatus.message);
    await api?.close();
    await services.close();
    process.exit(3);
  }
  logger.info(
    { stripe: config.stripe.apiUrl ?? 'https://api.stripe.com', livemode: config.stripe.livemode, rate: config.rate },
    keyStatus.message,
  );
  return { services, api, keyStatus };
}

/** The HTTP API, or for a worker-only process with METRICS_PORT the health and metrics routes alone. */
async function listen(config: Config, logger: Logger, { services, api, keyStatus }: Connected): Promise<Server | undefined> {
  if (api) {
    // Loaded only where it is served: a worker-only process stays lighter without Express routes and the board.
    const { createApp } = await import('../http/app.ts');
    const app = createApp(api, { keyStatus: () => keyStatus });
    const server = app.listen(config.port, config.host, () => {
      // The address the socket really has (PORT=0 picks one; HOST may be a name): what a user must type.
      const { address, port } = server.address() as AddressInfo;
      const shown = address.includes(':') ? `[${address}]` : address;
      logger.info({ host: address, port }, `HTTP API on http://${shown}:${port}`);
    });
    server.once('error', (err: NodeJS.ErrnoException) => {
      logger.fatal(`cannot listen on ${config.host}:${config.port} (${err.code ?? err.message}): check HOST and PORT`);
      process.exit(1);
    });
    return server;
  }
  if (config.metricsPort === undefined) return undefined;
  // A worker-only process has no API, but Prometheus still needs to scrape its own counters.
  const metricsApp = express().use(
    createHealthRouter(services.redis, () => keyStatus, config.dataDir),
    createMetricsRouter(services.metrics),
  );
  return metricsApp.listen(config.metricsPort, config.host, () =>
    logger.info({ host: config.host, port: config.metricsPort }, 'metrics on /metrics'),
  );
}

/**
 * Reads the config once, wires the services, checks the Stripe key, starts the HTTP API and/or the
 * workers, and shuts down gracefully on SIGTERM/SIGINT (forcefully after the grace period).
 * The only place besides the emulator's and the CLI's entry points that calls process.exit.
 */
export async function runEntryPoint(options: EntryPointOptions): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel, { process: options.name, account: config.stripe.accountId });
  const connected = await connectOrExit(config, logger, options.http);
  const { services, api } = connected;
  const server = await listen(config, logger, connected);
  let workers: RunningWorkers | undefined;
  if (options.workers) {
    workers = startWorkers(services);
    logger.info({ concurrency: config.workerConcurrency }, 'workers started');
  }

  const graceMs = options.graceMs ?? 25_000;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs }, 'shutting down: no new jobs, checkpointing jobs in flight');
    const force = setTimeout(() => {
      logger.error('grace period over: forcing exit');
      process.exit(1);
    }, graceMs + 5_000);
    force.unref();
    server?.close();
    await workers?.close(graceMs);
    // Connections closed on purpose are not an outage to report.
    services.redisMonitor.stop();
    await api?.close();
    await services.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
