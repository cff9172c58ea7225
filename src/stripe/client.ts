import http from 'node:http';
import https from 'node:https';
import Stripe from 'stripe';
import type { Config } from '../config.ts';

/** Options of createStripeClient. */
export interface StripeClientOptions {
  /**
   * Sockets the keep-alive agent may open to the API. The default covers ~200 requests in flight
   * (the import runs many rows at once per worker and a request can wait on Stripe for seconds).
   */
  maxSockets?: number;
}

const DEFAULT_MAX_SOCKETS = 256;
/** Idle sockets kept open between bursts; beyond that they are closed rather than hoarded. */
const MAX_FREE_SOCKETS = 64;

interface ApiTarget {
  host: string;
  port: number;
  protocol: 'http' | 'https';
}

/** Host, port and protocol of a Stripe-compatible base URL such as http://127.0.0.1:12111. */
export function parseApiUrl(apiUrl: string): ApiTarget {
  const url = new URL(apiUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`STRIPE_API_URL must use http or https (got ${url.protocol})`);
  }
  // stripe-node always requests /v1/…: a base path would be silently dropped, so refuse it.
  if (url.pathname !== '/' && url.pathname !== '') {
    throw new Error(`STRIPE_API_URL must not have a path (got ${url.pathname})`);
  }
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  const port = url.port ? Number(url.port) : protocol === 'http' ? 80 : 443;
  return { host: url.hostname, port, protocol };
}

/**
 * The official stripe-node client. It never retries by itself (`maxNetworkRetries: 0`): every retry goes
 * through the throttled gateway, so it is counted by the shared rate limiter and keeps its idempotency key.
 */
export function createStripeClient(
  stripe: Pick<Config['stripe'], 'secretKey' | 'apiUrl' | 'timeoutMs'>,
  options: StripeClientOptions = {},
): Stripe {
  const target = stripe.apiUrl ? parseApiUrl(stripe.apiUrl) : undefined;
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? DEFAULT_MAX_SOCKETS,
    maxFreeSockets: MAX_FREE_SOCKETS,
    // LIFO reuses the warmest sockets and lets the rest time out after a burst.
    scheduling: 'lifo' as const,
  };
  // stripe-node hands its one agent to both http.request and https.request: it must match the protocol.
  const agent = target?.protocol === 'http' ? new http.Agent(agentOptions) : new https.Agent(agentOptions);
  return new Stripe(stripe.secretKey, {
    maxNetworkRetries: 0,
    timeout: stripe.timeoutMs,
    httpClient: Stripe.createNodeHttpClient(agent),
    appInfo: { name: 'stripe-bulk' },
    ...(target ? { host: target.host, port: target.port, protocol: target.protocol } : {}),
  });
}
