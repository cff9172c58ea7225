import type { z } from 'zod';
import { sleep, throwIfAborted } from '../rate-limit/abortable.ts';
import type { RateLimiter } from '../rate-limit/rate-limiter.ts';
import { SCIM_SLOT } from '../rate-limit/scim-limiter.ts';
import { createBackoff } from '../stripe/backoff.ts';
import { ScimRequestError } from './scim-error.ts';
import { scimErrorBodySchema, scimListSchema, scimUserSchema, type ScimListPage, type ScimUser } from './scim-types.ts';

/** RFC 7644 §3.5.2's PatchOp message schema. */
export const SCIM_PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Team members over SCIM 2.0 (Dashboard users, not Customers). There is deliberately no delete. */
export interface ScimClient {
  /** One page of users: `startIndex` is 1-based (RFC 7644 §3.4.2.4). */
  listUsers(params: { startIndex: number; count: number; filter?: string | undefined }, signal?: AbortSignal): Promise<ScimListPage>;
  /** The user, or null when the server answers 404. */
  getUser(id: string, signal?: AbortSignal): Promise<ScimUser | null>;
  /** PATCH active=false (idempotent); null when the user does not exist. */
  deactivate(id: string, signal?: AbortSignal): Promise<ScimUser | null>;
}

/** Options of createScimClient. */
export interface ScimClientOptions {
  /** Base URL without a trailing slash, e.g. https://dashboard.stripe.com/scim/v2. */
  url: string;
  /** The bearer token: sent in the Authorization header and nowhere else. */
  token: string;
  timeoutMs: number;
  limiter: RateLimiter;
  /** Retries after 5xx and network errors (default 5), after 429 (default 10). */
  maxRetries?: number;
  maxRateLimitRetries?: number;
  backoff?: { baseMs?: number; capMs?: number };
  onRequest?: (e: { method: string; status: number | 'network'; ms: number }) => void;
}

function retryAfterMs(res: Response): number {
  const seconds = Number(res.headers.get('retry-after') ?? Number.NaN);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

async function errorOf(res: Response): Promise<ScimRequestError> {
  const text = await res.text().catch(() => '');
  let detail = text.slice(0, 300) || res.statusText;
  let scimType: string | undefined;
  try {
    const parsed = scimErrorBodySchema.safeParse(JSON.parse(text));
    if (parsed.success) {
      detail = parsed.data.detail ?? detail;
      scimType = parsed.data.scimType;
    }
  } catch {
    // Not JSON (a proxy's HTML page): the text is the detail.
  }
  return new ScimRequestError(res.status, detail, scimType);
}

interface Attempt {
  method: 'GET' | 'PATCH';
  path: string;
  body?: unknown;
}

/** One request with the token and a timeout; a failure without an answer becomes ScimRequestError('network'). */
async function fetchOnce(opts: ScimClientOptions, a: Attempt, signal: AbortSignal | undefined): Promise<Response> {
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const started = performance.now();
  try {
    const res = await fetch(`${opts.url}${a.path}`, {
      method: a.method,
      headers: { Authorization: `Bearer ${opts.token}`, Accept: 'application/scim+json', 'Content-Type': 'application/scim+json' },
      ...(a.body === undefined ? {} : { body: JSON.stringify(a.body) }),
      signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
    });
    opts.onRequest?.({ method: a.method, status: res.status, ms: performance.now() - started });
    return res;
  } catch (err) {
    throwIfAborted(signal);
    opts.onRequest?.({ method: a.method, status: 'network', ms: performance.now() - started });
    throw new ScimRequestError('network', err instanceof Error ? err.message : String(err));
  }
}

/**
 * A SCIM client on plain fetch. Every request takes a slot of the shared SCIM budget; a 429 lowers that budget for
 * every worker (and honours Retry-After), 5xx and network errors are retried after a jittered back-off, as the
 * Stripe gateway does (src/stripe/throttled-customer-gateway.ts). A 404 answers null; other 4xx throw at once.
 */
export function createScimClient(opts: ScimClientOptions): ScimClient {
  const backoff = createBackoff({ baseMs: opts.backoff?.baseMs ?? 250, capMs: opts.backoff?.capMs ?? 8_000 });
  const maxRetries = opts.maxRetries ?? 5;
  const maxRateLimitRetries = opts.maxRateLimitRetries ?? 10;

  async function send<T>(a: Attempt, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T | null> {
    let failures = 0;
    let refusals = 0;
    for (;;) {
      const grant = await opts.limiter.acquire(SCIM_SLOT.kind, SCIM_SLOT.endpoint, signal);
      let res: Response;
      try {
        res = await fetchOnce(opts, a, signal);
      } catch (err) {
        if (!(err instanceof ScimRequestError) || ++failures > maxRetries) throw err;
        await sleep(backoff.delay(failures), signal);
        continue;
      }
      if (res.status === 429 && ++refusals <= maxRateLimitRetries) {
        await res.body?.cancel();
        await opts.limiter.rateLimited(grant, retryAfterMs(res));
        if (refusals > 1) await sleep(backoff.delay(refusals - 1), signal);
        continue;
      }
      if (res.status >= 500 && ++failures <= maxRetries) {
        await res.body?.cancel();
        await sleep(backoff.delay(failures), signal);
        continue;
      }
      if (res.status === 404) {
        await res.body?.cancel();
        return null;
      }
      if (!res.ok) throw await errorOf(res);
      const parsed = schema.safeParse(await res.json());
      if (!parsed.success) throw new ScimRequestError(res.status, `unexpected answer shape: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return parsed.data;
    }
  }

  return {
    async listUsers({ startIndex, count, filter }, signal) {
      const q = new URLSearchParams({ startIndex: String(startIndex), count: String(count) });
      if (filter !== undefined) q.set('filter', filter);
      const page = await send({ method: 'GET', path: `/Users?${q.toString()}` }, scimListSchema, signal);
      if (page === null) throw new ScimRequestError(404, `no /Users at ${opts.url}: check STRIPE_SCIM_URL`);
      return page;
    },
    getUser: (id, signal) => send({ method: 'GET', path: `/Users/${encodeURIComponent(id)}` }, scimUserSchema, signal),
    deactivate: (id, signal) =>
      send(
        {
          method: 'PATCH',
          path: `/Users/${encodeURIComponent(id)}`,
          body: { schemas: [SCIM_PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'active', value: false }] },
        },
        scimUserSchema,
        signal,
      ),
  };
}
