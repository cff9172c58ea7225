import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths pino blanks out wherever they appear, so a key that slips into a log object is never written. */
const REDACT_PATHS = [
  'secretKey',
  '*.secretKey',
  'stripe.secretKey',
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'password',
  '*.password',
  'apiToken',
  '*.apiToken',
  'scim.token',
  '*.scim.token',
  'scimToken',
  '*.scimToken',
];

const SECRET_PATTERN = /\b(sk|rk)_(live|test)_[A-Za-z0-9]+/g;

/** Masks anything shaped like a Stripe secret key inside a free-text message. */
export function maskSecrets(text: string): string {
  return text.replace(SECRET_PATTERN, (_m, kind: string, mode: string) => `${kind}_${mode}_[redacted]`);
}

/** Structured JSON logs on stdout; secrets redacted by path and by shape. */
export function createLogger(level = 'info', base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { ...base },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    hooks: {
      logMethod(args, method) {
        const masked = args.map((a) => (typeof a === 'string' ? maskSecrets(a) : a)) as Parameters<typeof method>;
        method.apply(this, masked);
      },
    },
    formatters: {
      log(object) {
        const err = object.err as { message?: string } | undefined;
        if (err && typeof err.message === 'string') err.message = maskSecrets(err.message);
        return object;
      },
    },
  });
}
