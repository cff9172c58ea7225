import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { handleAdmin, type AdminState } from './admin-routes.ts';
import { ApiError, injectedApiError, invalidRequest, rateLimited, unrecognizedUrl } from './api-error.ts';
import { authenticate, type Authenticated } from './auth.ts';
import { ConnectedAccounts, customersFor, idempotencyScope } from './connected-accounts.ts';
import { newRequestId } from './customer-record.ts';
import { EmulatorClock } from './clock.ts';
import { AccountStore } from './account-store.ts';
import { CustomerStore } from './customer-store.ts';
import { FaultInjector } from './faults.ts';
import { decodeForm, FormDecodeError, type FormObject } from './form-decode.ts';
import { fingerprintParams, IdempotencyStore, type StoredResponse } from './idempotency-store.ts';
import type { ResolvedOptions } from './options.ts';
import { RateLimits, type RequestKind } from './rate-limits.ts';
import { createCustomer } from './handlers/create-customer.ts';
import { kindOfMethod, matchRoute } from './routes.ts';
import { RequestCounter } from './stats.ts';
import { handleScimAdmin } from './scim/scim-admin.ts';
import { handleScim, SCIM_BASE_PATH } from './scim/scim-handler.ts';
import { ScimState } from './scim/scim-state.ts';

/** Bodies above this are refused: a customer's parameters are a few kilobytes at most. */
const MAX_BODY_BYTES = 1024 * 1024;
/** Seed bodies may carry 100,000 customers. */
const MAX_ADMIN_BODY_BYTES = 512 * 1024 * 1024;

const sleep = (ms: number): Promise<void> => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

/** Past this many bytes over the limit an oversized body is cut off instead of drained (a hostile client). */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

const bodyTooLarge = (max: number): ApiError =>
  invalidRequest(`Request body too large (more than ${max} bytes).`, undefined, undefined, 413);

/**
 * Reads a body up to `max` bytes. An oversized one is drained (and discarded) before the 413 is answered:
 * closing a socket with unread data makes the kernel send a reset that can destroy the answer in flight.
 */
function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max + MAX_DRAIN_BYTES) {
        req.off('data', onData);
        req.pause();
        reject(bodyTooLarge(max));
        return;
      }
      if (size > max) {
        tooLarge = true;
        chunks.length = 0;
      }
      if (!tooLarge) chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => (tooLarge ? reject(bodyTooLarge(max)) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

/** Everything one emulator instance holds. */
export interface EmulatorState extends AdminState {
  options: ResolvedOptions;
}

export function createEmulatorState(options: ResolvedOptions): EmulatorState {
  const connectedAccounts = new ConnectedAccounts();
  return {
    options,
    store: new CustomerStore(),
    connectedAccounts,
    // An account `/v1/accounts` creates (or a seed adds) is one a `Stripe-Account` header may name.
    accounts: new AccountStore((id) => connectedAccounts.register(id)),
    idempotency: new IdempotencyStore(options.idempotencyTtlMs),
    limits: new RateLimits(options),
    counter: new RequestCounter(),
    clock: new EmulatorClock(),
    scim: new ScimState(options.scimToken, options.scimLimit),
    faults: new FaultInjector({
      errorRate: options.errorRate,
      errorAfterWriteRate: options.errorAfterWriteRate,
      resetAfterCreateRate: options.resetAfterCreateRate,
      resetAfterCreateCount: options.resetAfterCreateCount,
      faultSeed: options.faultSeed,
    }),
  };
}

function latencyOf(options: ResolvedOptions): number {
  const jitter = options.jitterMs > 0 ? (Math.random() * 2 - 1) * options.jitterMs : 0;
  return Math.max(0, options.latencyMs + jitter);
}

/**
 * One /v1 request, in Stripe's order: authenticate, count against the key's sliding window at arrival
 * (a 429 costs nothing), decode, take the idempotency key (409 while another request holds it), wait the
 * injected latency, maybe fail before the work, do the work, maybe fail after it or drop the connection of a
 * create without answering (either way the result is kept, so an idempotent retry gets it).
 */
async function handleApi(state: EmulatorState, req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void> {
  const { options } = state;
  const method = req.method ?? 'GET';
  const arrival = performance.now();
  const now = state.clock.now();
  const match = matchRoute(method, path);
  const kind: RequestKind = match?.route.kind ?? kindOfMethod(method);
  const headers: Record<string, string> = {};
  const idempotencyKey = method !== 'GET' ? req.headers['idempotency-key'] : undefined;
  if (typeof idempotencyKey === 'string' && idempotencyKey !== '') headers['Idempotency-Key'] = idempotencyKey;
  let finish: ((response: StoredResponse | undefined) => void) | undefined;
  let status: number | 'reset' = 500;
  try {
    const auth: Authenticated = authenticate(req.headers.authorization, options.keys);
    if (!state.limits.tryAdmit(auth.key, kind, arrival)) throw rateLimited();
    const { store, account } = customersFor(state.connectedAccounts, state.store, req.headers['stripe-account'], auth.key);
    if (account !== undefined) headers['Stripe-Account'] = account;
    const body = await readBody(req, MAX_BODY_BYTES);
    let params: FormObject;
    try {
      params = decodeForm(method === 'POST' ? body : query);
    } catch (err) {
      if (err instanceof FormDecodeError) throw invalidRequest(err.message, err.param || undefined);
      throw err;
    }
    if (headers['Idempotency-Key'] !== undefined) {
      const decision = state.idempotency.begin(idempotencyScope(auth.key, account), headers['Idempotency-Key'], path, fingerprintParams(params), now);
      if (decision.action === 'reject') throw decision.error;
      if (decision.action === 'replay') {
        await sleep(latencyOf(options));
        status = decision.response.status;
        const replayHeaders = { ...headers, 'Idempotent-Replayed': 'true', 'Original-Request': decision.response.requestId };
        send(res, status, decision.response.body, replayHeaders);
        return;
      }
      finish = decision.finish;
    }
    await sleep(latencyOf(options));
    if (match === undefined) throw unrecognizedUrl(method, path);
    if (state.faults.failBeforeWork()) throw injectedApiError();
    const result = match.route.handler({ store, accounts: state.accounts, options, params, id: match.id, livemode: auth.livemode, now });
    finish?.({ status: result.status, body: result.body, requestId: res.getHeader('Request-Id') as string });
    finish = undefined;
    if (match.route.handler === createCustomer && state.faults.resetAfterCreate()) {
      // Committed and kept for replay, then the connection dies unanswered, as when a load balancer drops it.
      status = 'reset';
      res.destroy();
      return;
    }
    if (kind === 'write' && state.faults.failAfterWrite()) throw injectedApiError();
    status = result.status;
    send(res, status, result.body, headers);
  } catch (err) {
    // Stripe keeps no result for a request that failed validation or never started: a retry runs again.
    finish?.(undefined);
    const apiError = err instanceof ApiError ? err : injectedApiError();
    status = apiError.status;
    // A 413 may leave part of the body unread: the connection is not reusable, so say so and close it.
    send(res, status, apiError.toBody(), status === 413 ? { ...headers, Connection: 'close' } : headers);
  } finally {
    state.counter.record(kind, status);
  }
}

/** The absolute `/scim/v2` URL of this request's host, for meta.location. */
const scimBase = (req: IncomingMessage): string => `http://${req.headers.host ?? 'localhost'}${SCIM_BASE_PATH}`;

/** `/scim/v2/*`: team members over SCIM 2.0, with its own token, rate limit and counters (scim/scim-handler.ts). */
async function handleScimRequest(state: EmulatorState, req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void> {
  const arrival = performance.now();
  const body = await readBody(req, MAX_BODY_BYTES);
  const method = req.method ?? 'GET';
  const subPath = path.slice(SCIM_BASE_PATH.length);
  const result = handleScim(state.scim, {
    method, path: subPath, query, body, authorization: req.headers.authorization, base: scimBase(req), arrival, now: state.clock.now(),
  });
  // RFC 7644 §8.1: SCIM answers are application/scim+json.
  const payload = JSON.stringify(result.body);
  const headers: Record<string, string> = result.status === 429 ? { 'Retry-After': '1' } : {};
  if (res.headersSent || res.destroyed) return;
  res.writeHead(result.status, { ...headers, 'Content-Type': 'application/scim+json', 'Content-Length': String(Buffer.byteLength(payload)) });
  res.end(payload);
}

function adminJson(rawBody: string): unknown {
  try {
    return rawBody.trim() === '' ? {} : JSON.parse(rawBody);
  } catch (err) {
    throw new RangeError(`the body must be JSON: ${(err as Error).message}`, { cause: err });
  }
}

async function handleAdminRequest(state: EmulatorState, req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void> {
  try {
    const body = await readBody(req, MAX_ADMIN_BODY_BYTES);
    let result;
    try {
      result = path.startsWith('/__emulator/scim/')
        ? handleScimAdmin(state.scim, req.method ?? 'GET', path, adminJson(body), scimBase(req), state.clock.now())
        : handleAdmin(state, req.method ?? 'GET', path, body, query);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      result = { status: 400, body: { error: err.message } };
    }
    if (result === undefined) send(res, 404, { error: `Unknown emulator route: ${req.method} ${path}` });
    else send(res, result.status, result.body);
  } catch (err) {
    if (err instanceof ApiError) send(res, err.status, { error: err.message }, { Connection: 'close' });
    else send(res, 500, { error: err instanceof Error ? err.message : String(err) });
  }
}

/** The node:http server of one emulator; call listen() on it. */
export function createEmulatorServer(state: EmulatorState): Server {
  return createServer((req, res) => {
    res.setHeader('Request-Id', newRequestId());
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const query = q === -1 ? '' : url.slice(q + 1);
    const handled = path.startsWith('/__emulator/')
      ? handleAdminRequest(state, req, res, path, query)
      : path.startsWith(`${SCIM_BASE_PATH}/`)
        ? handleScimRequest(state, req, res, path, query)
        : handleApi(state, req, res, path, query);
    handled.catch((err: unknown) => send(res, 500, { error: { type: 'api_error', message: String(err) } }));
  });
}
