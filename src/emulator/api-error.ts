/** The `error` object of a Stripe error answer (the `api_errors` schema, customer-relevant fields only). */
export interface StripeErrorBody {
  type: 'invalid_request_error' | 'api_error' | 'idempotency_error';
  message: string;
  code?: string;
  param?: string;
  doc_url?: string;
}

/** An answer the emulator gives as a Stripe error: status plus `{error: …}` body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: StripeErrorBody,
  ) {
    super(error.message);
    this.name = 'ApiError';
  }

  toBody(): { error: StripeErrorBody } {
    return { error: this.error };
  }
}

const docUrl = (code: string): string => `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`;

const invalid = (status: number, message: string, code?: string, param?: string): ApiError =>
  new ApiError(status, {
    type: 'invalid_request_error',
    message,
    ...(code === undefined ? {} : { code, doc_url: docUrl(code) }),
    ...(param === undefined ? {} : { param }),
  });

export const unknownParameter = (param: string): ApiError =>
  invalid(400, `Received unknown parameter: ${param}`, 'parameter_unknown', param);

export const stringTooLong = (param: string, value: string, max: number): ApiError =>
  invalid(
    400,
    `Invalid string: ${value.length > 40 ? `${value.slice(0, 40)}...` : value}; must be at most ${max} characters`,
    'parameter_invalid_string_length',
    param,
  );

export const invalidInteger = (param: string, value: string): ApiError =>
  invalid(400, `Invalid integer: ${value}`, 'parameter_invalid_integer', param);

export const invalidEnum = (param: string, value: string, allowed: readonly string[]): ApiError =>
  invalid(400, `Invalid ${param}: must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`, undefined, param);

/** A parameter whose shape is wrong: a hash where a string is expected, an array where a hash is, … */
export const invalidParameter = (param: string, message: string): ApiError => invalid(400, message, undefined, param);

export const missingParameter = (param: string): ApiError =>
  invalid(400, `Missing required param: ${param}.`, 'parameter_missing', param);

export const noSuchCustomer = (id: string, param = 'id', status = 404): ApiError =>
  invalid(status, `No such customer: '${id}'`, 'resource_missing', param);

/** A reference to an object this emulator does not hold (payment methods, sources, test clocks, …). */
export const noSuchObject = (what: string, id: string, param: string, status = 400): ApiError =>
  invalid(status, `No such ${what}: '${id}'`, 'resource_missing', param);

export const unrecognizedUrl = (method: string, path: string): ApiError =>
  invalid(
    404,
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  );

export const missingApiKey = (): ApiError =>
  invalid(
    401,
    "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
  );

/** Stripe shows only the last four characters of a rejected key; so do we, so a key never lands in a log whole. */
export function maskKey(key: string): string {
  const match = /^([a-z]+_(?:test|live)_)/.exec(key);
  const prefix = match?.[1] ?? '';
  return `${prefix}****${key.length > 4 ? key.slice(-4) : ''}`;
}

export const invalidApiKey = (key: string): ApiError =>
  invalid(401, `Invalid API Key provided: ${maskKey(key)}`);

export const rateLimited = (): ApiError =>
  invalid(
    429,
    'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.',
    'rate_limit',
  );

export const injectedApiError = (): ApiError =>
  new ApiError(500, {
    type: 'api_error',
    message: 'An unknown error occurred while processing your request (injected by the emulator).',
  });

export const idempotencyParamsMismatch = (key: string): ApiError =>
  new ApiError(400, {
    type: 'idempotency_error',
    message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
  });

export const idempotencyEndpointMismatch = (key: string, first: string, now: string): ApiError =>
  new ApiError(400, {
    type: 'idempotency_error',
    message: `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${first}' vs '${now}'). Try using a key other than '${key}' if you meant to execute a different request.`,
  });

/** Stripe answers 409 while a request with the same key is still running; stripe-node retries 409. */
export const idempotencyKeyInUse = (): ApiError =>
  new ApiError(409, {
    type: 'idempotency_error',
    code: 'idempotency_key_in_use',
    message:
      'The idempotency key provided is currently being used in another request. This occurs if your integration is making duplicate requests simultaneously.',
  });

export const invalidRequest = (message: string, param?: string, code?: string, status = 400): ApiError =>
  invalid(status, message, code, param);
