import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { stripeApiError as apiError } from '../../helpers/stripe-error.ts';
import {
  classifyStripeError,
  describeStripeError,
  isResourceMissing,
  stripeErrorStatus,
} from '../../../src/stripe/stripe-errors.ts';

describe('classifyStripeError', () => {
  it('treats 429 rate_limit as rate_limited', () => {
    const err = apiError(429, { code: 'rate_limit' });
    expect(err).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(classifyStripeError(err)).toBe('rate_limited');
  });

  it('retries a 429 lock_timeout without cooling the whole account down', () => {
    expect(classifyStripeError(apiError(429, { code: 'lock_timeout' }))).toBe('retryable');
  });

  it('retries 5xx, 409 conflicts and connection errors', () => {
    expect(classifyStripeError(apiError(500, { type: 'api_error' }))).toBe('retryable');
    expect(classifyStripeError(apiError(503, { type: 'api_error' }))).toBe('retryable');
    expect(classifyStripeError(apiError(409, { type: 'idempotency_error' }))).toBe('retryable');
    expect(classifyStripeError(new Stripe.errors.StripeConnectionError({ message: 'socket hang up' }))).toBe('retryable');
  });

  it('follows Stripe-Should-Retry when Stripe sends it', () => {
    expect(classifyStripeError(apiError(500, { type: 'api_error', headers: { 'stripe-should-retry': 'false' } }))).toBe('fatal');
    expect(classifyStripeError(apiError(400, { headers: { 'stripe-should-retry': 'true' } }))).toBe('retryable');
  });

  it('never retries other 4xx, idempotency key reuse, auth, or non-Stripe errors', () => {
    const reuse = apiError(400, { type: 'idempotency_error', message: 'Keys for idempotent requests can only be used with the same parameters' });
    expect(reuse).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(classifyStripeError(reuse)).toBe('fatal');
    expect(classifyStripeError(apiError(400, { code: 'parameter_invalid_empty' }))).toBe('fatal');
    expect(classifyStripeError(apiError(401))).toBe('fatal');
    expect(classifyStripeError(apiError(403))).toBe('fatal');
    expect(classifyStripeError(apiError(404, { code: 'resource_missing' }))).toBe('fatal');
    expect(classifyStripeError(new TypeError('boom'))).toBe('fatal');
    expect(classifyStripeError(undefined)).toBe('fatal');
  });
});

describe('isResourceMissing / stripeErrorStatus', () => {
  it('recognises only 404 resource_missing', () => {
    expect(isResourceMissing(apiError(404, { code: 'resource_missing' }))).toBe(true);
    expect(isResourceMissing(apiError(404))).toBe(false);
    expect(isResourceMissing(apiError(400, { code: 'resource_missing' }))).toBe(false);
    expect(stripeErrorStatus(apiError(502))).toBe(502);
    expect(stripeErrorStatus(new Error('x'))).toBeUndefined();
  });
});

describe('describeStripeError', () => {
  it('gives type, status, code, message and request id on one line', () => {
    const text = describeStripeError(apiError(400, { code: 'email_invalid', message: 'Invalid email\naddress' }));
    expect(text).toBe('StripeInvalidRequestError 400 email_invalid: Invalid email address (request req_123)');
  });

  it('masks anything shaped like a secret key', () => {
    const err = apiError(401, { message: 'Invalid API Key provided: sk_live_notRealKey99' });
    const text = describeStripeError(err);
    expect(text).not.toContain('notRealKey99');
    expect(text).toContain('sk_live_[redacted]');
    expect(describeStripeError(new Error('rk_test_SECRET123 leaked'))).toBe('Error: rk_test_[redacted] leaked');
  });

  it('bounds long messages', () => {
    expect(describeStripeError(new Error('x'.repeat(5000))).length).toBeLessThan(400);
  });
});
