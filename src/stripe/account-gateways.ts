import type { CustomerGateway } from './customer-gateway.ts';

/** The gateway of a job: the platform's (no connected account) or one that sends `Stripe-Account` on every request. */
export type GatewayFor = (connectedAccount: string | undefined) => CustomerGateway;

/** Gateways kept per process; past this many connected accounts the least recently made is dropped (and remade if needed). */
const MAX_CACHED = 1000;

/**
 * One gateway per connected account, made on first use by `make` and then reused, so every job of one account in
 * this process shares its learned budget view; the platform's own gateway for no account.
 */
export function createGatewayFor(platform: CustomerGateway, make: (connectedAccount: string) => CustomerGateway): GatewayFor {
  const made = new Map<string, CustomerGateway>();
  return (connectedAccount) => {
    if (connectedAccount === undefined) return platform;
    let gateway = made.get(connectedAccount);
    if (gateway === undefined) {
      gateway = make(connectedAccount);
      made.set(connectedAccount, gateway);
      const oldest = made.keys().next().value;
      if (made.size > MAX_CACHED && oldest !== undefined) made.delete(oldest);
    }
    return gateway;
  };
}
