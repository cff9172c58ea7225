import Stripe from 'stripe';

/** Builds the error stripe-node itself would raise for this raw API error. */
export function stripeApiError(
  statusCode: number,
  raw: { type?: string; code?: string; message?: string; headers?: Record<string, string> } = {},
): Stripe.errors.StripeError {
  return Stripe.errors.StripeError.generate({
    type: 'invalid_request_error',
    message: 'failure',
    statusCode,
    headers: {},
    requestId: 'req_123',
    ...raw,
  } as Parameters<typeof Stripe.errors.StripeError.generate>[0]);
}
