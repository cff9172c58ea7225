import type Stripe from 'stripe';
import type { KeyStatus } from '../http/routes/health-routes.ts';
import type { CustomerGateway } from '../stripe/customer-gateway.ts';

/**
 * One cheap call (`GET /v1/customers?limit=1`) at start, so an invalid key, or a restricted key without
 * Customers read access, is reported at once instead of as a thousand failed rows.
 */
export async function checkStripeKey(gateway: CustomerGateway): Promise<KeyStatus> {
  try {
    await gateway.listPage({ limit: 1 });
    return { ok: true, message: 'the key can read Customers' };
  } catch (err) {
    const e = err as Partial<Stripe.errors.StripeError>;
    if (e.type === 'StripeAuthenticationError' || e.statusCode === 401) {
      return { ok: false, message: 'Stripe rejected STRIPE_SECRET_KEY (401): check the key and its mode (test/live).' };
    }
    if (e.type === 'StripePermissionError' || e.statusCode === 403) {
      return {
        ok: false,
        message: 'STRIPE_SECRET_KEY lacks permission (403): a restricted key needs Customers read and write.',
      };
    }
    return { ok: false, message: `Stripe could not be reached to check the key: ${e.message ?? String(err)}` };
  }
}
