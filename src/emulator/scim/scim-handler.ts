import { scimInvalidSyntax, scimNotFound, scimRateLimited, scimUnauthorized, ScimError } from './scim-error.ts';
import { parseScimFilter } from './scim-filter.ts';
import { activeFromPatch } from './scim-patch.ts';
import type { ScimState } from './scim-state.ts';
import { userJson } from './scim-store.ts';

/** RFC 7644 §3.4.2's list answer schema. */
export const SCIM_LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** Where SCIM lives on the emulator, as on dashboard.stripe.com. */
export const SCIM_BASE_PATH = '/scim/v2';

/** The largest page the emulator answers; a bigger `count` is cut to it (RFC 7644 §3.4.2.4 lets it). */
export const SCIM_MAX_COUNT = 100;

/** One SCIM request, already read. */
export interface ScimRequest {
  method: string;
  /** The path under /scim/v2, e.g. `/Users/usr_1`. */
  path: string;
  query: string;
  body: string;
  authorization: string | undefined;
  /** Absolute base URL for meta.location, e.g. `http://127.0.0.1:1234/scim/v2`. */
  base: string;
  /** Arrival, performance.now() (the rate window) and the emulator clock (times written). */
  arrival: number;
  now: number;
}

/** A SCIM answer (errors included). */
export interface ScimResult {
  status: number;
  body: unknown;
}

function bearer(header: string | undefined): string | undefined {
  const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

/** RFC 7644 §3.4.2.4: startIndex below 1 is 1; count below 0 is 0. Non-numbers are a 400. */
function intParam(params: URLSearchParams, name: string, fallback: number): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw scimInvalidSyntax(`${name} must be an integer (got ${raw})`);
  return n;
}

function listUsers(state: ScimState, req: ScimRequest): ScimResult {
  const params = new URLSearchParams(req.query);
  const filter = params.get('filter');
  const userName = filter === null ? undefined : parseScimFilter(filter).userName;
  const startIndex = Math.max(1, intParam(params, 'startIndex', 1));
  const count = Math.min(SCIM_MAX_COUNT, Math.max(0, intParam(params, 'count', SCIM_MAX_COUNT)));
  const all = state.store.matching(userName);
  const page = all.slice(startIndex - 1, startIndex - 1 + count);
  return {
    status: 200,
    body: {
      schemas: [SCIM_LIST_SCHEMA],
      totalResults: all.length,
      itemsPerPage: page.length,
      startIndex,
      Resources: page.map((u) => userJson(u, req.base)),
    },
  };
}

function parseJsonBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw scimInvalidSyntax('the body is not JSON');
  }
}

function route(state: ScimState, req: ScimRequest): ScimResult {
  if (req.path === '/Users') {
    if (req.method === 'GET') return listUsers(state, req);
    throw new ScimError(501, `${req.method} /Users is not implemented by the emulator`);
  }
  const m = /^\/Users\/([^/]+)$/.exec(req.path);
  if (m === null) throw new ScimError(404, `No SCIM resource at ${req.path}`);
  const id = decodeURIComponent(m[1] ?? '');
  if (req.method === 'GET') {
    const user = state.store.get(id);
    if (user === undefined) throw scimNotFound(id);
    return { status: 200, body: userJson(user, req.base) };
  }
  if (req.method === 'PATCH') {
    const active = activeFromPatch(parseJsonBody(req.body));
    const user = state.store.setActive(id, active, req.now);
    if (user === undefined) throw scimNotFound(id);
    return { status: 200, body: userJson(user, req.base) };
  }
  // Deleting a team member is not something stripe-bulk may do (record deletion depends on the enterprise agreement).
  throw new ScimError(501, `${req.method} /Users/{id} is not implemented by the emulator`);
}

/** One SCIM request: the bearer token, then the rate limit (a 429 costs nothing), then the route. */
export function handleScim(state: ScimState, req: ScimRequest): ScimResult {
  let result: ScimResult;
  try {
    if (bearer(req.authorization) !== state.token) throw scimUnauthorized();
    if (!state.tryAdmit(req.arrival)) throw scimRateLimited();
    result = route(state, req);
  } catch (err) {
    if (!(err instanceof ScimError)) throw err;
    result = { status: err.status, body: err.toBody() };
  }
  state.record(req.method, result.status);
  return result;
}
