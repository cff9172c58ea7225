import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/http/app.ts';
import { OPENAPI_DOCUMENT as DOC } from '../../../src/http/openapi/openapi-document.ts';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.ts';
import { listenOnFreePort, type ListeningApp } from '../../helpers/http.ts';
import { createTestServices, type TestServices } from '../../helpers/services.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { documentedRoutes, sendRaw, undocumentedAnswer, type RouteKey } from './openapi-contract.ts';

const API_TOKEN = 'property-test-token-0123456789';
/** Requests in the run: enough to meet every route with every kind of bad input, few enough to take seconds. */
const RUNS = 400;

const V1_ROUTES: RouteKey[] = documentedRoutes(DOC).filter((r) => r.path.startsWith('/v1/'));

const idLike = (prefix: string, length: number) =>
  fc.string({ unit: fc.constantFrom(...'abcXYZ019'.split('')), minLength: length, maxLength: length }).map((s) => `${prefix}${s}`);

/** Path ids: well-shaped ids nobody created, ids of the other kind, near misses, and any text at all. */
const pathId = fc.oneof(
  idLike('exp_', 20),
  idLike('exs_', 16),
  idLike('imp_', 16),
  idLike('exp_', 19),
  fc.constantFrom('%2e%2e', 'exp_%00', 'exp_/x', 'null', 'undefined', '[object Object]', '0'),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  // An empty or dot segment is not an id: the URL then names another route (/v1/imports/. is /v1/imports/).
).filter((id) => id !== '' && id !== '.' && id !== '..');

/** Query values: the odd numbers the fuzzing found (0x2, 1e0, 2.0), empty, huge, repeated, bracketed. */
const queryValue = fc.oneof(
  fc.constantFrom('0x2', '1e0', '2.0', '-1', '0', '101', '100', '1', '', ' 2', 'NaN', 'Infinity', '9'.repeat(400), 'true', 'yes'),
  idLike('exp_', 20),
  idLike('exs_', 16),
  idLike('imp_', 16),
  fc.string({ maxLength: 30 }),
);
const queryKey = fc.constantFrom('limit', 'starting_after', 'schedule_id', 'mode', 'dry_run', 'file_name', 'limit[]', 'limit[a]', 'x');
const query = fc
  .array(fc.tuple(queryKey, queryValue), { maxLength: 4 })
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`));

/** Bodies: none, JSON of any shape, broken JSON, form fields, CSV, binary noise. */
const body = fc.oneof(
  fc.constant(undefined),
  fc.json({ maxDepth: 3 }),
  fc.constantFrom('{', '{"gzip":', '[1,', 'null', '"x"', '{"__proto__":{"x":1}}', '{"cron":"* * * * * *"}', '{"query":"email:\'a\' AND"}'),
  fc.dictionary(fc.constantFrom('gzip', 'email', 'query', 'columns', 'created', 'cron', 'tz', 'keep', 'x'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }).map((o) => JSON.stringify(o)),
  fc.constantFrom("query=email:'a@example.com'", 'cron=0+3+*+*+*&gzip=true', 'email\nx@example.com\n', 'name\nAnn\n', '\u0000\u00ff\ufffe'),
  fc.string({ maxLength: 200 }),
);
const contentType = fc.constantFrom(
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'text/csv',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  'foo',
  '',
);
const auth = fc.constantFrom<'good' | 'missing' | 'wrong'>('good', 'good', 'good', 'missing', 'wrong');

const request = fc.record({
  route: fc.constantFrom(...V1_ROUTES),
  id: pathId,
  query,
  body,
  contentType,
  auth,
});

describe('the HTTP error contract, by generated bad requests to every /v1 route', () => {
  let emulator: TestEmulator;
  let services: TestServices;
  let listening: ListeningApp;
  const closing = closeAfterAll();
  beforeAll(async () => {
    emulator = closing(await startTestEmulator());
    // No worker: whatever a generated request queues stays queued (and never calls Stripe).
    services = closing(createTestServices({ emulatorUrl: emulator.url, env: { API_TOKEN } }));
    listening = closing(await listenOnFreePort(createApp(services)));
  });

  it(`never answers 5xx, and every answer is a documented status, media type and schema (${RUNS} requests)`, async () => {
    const statuses = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const path = r.route.path.replace('{id}', encodeURIComponent(r.id));
        const headers: Record<string, string> = {};
        if (r.auth === 'good') headers.Authorization = `Bearer ${API_TOKEN}`;
        if (r.auth === 'wrong') headers.Authorization = 'Bearer not-the-token-at-all';
        if (r.contentType !== undefined) headers['Content-Type'] = r.contentType;
        const answer = await sendRaw(`${listening.baseUrl}${path}${r.query}`, r.route.method.toUpperCase(), headers, r.body);
        const key = `${r.route.method.toUpperCase()} ${r.route.path} ${answer.status}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        expect(answer.status, `${key}: ${answer.text.slice(0, 300)}`).toBeLessThan(500);
        expect(undocumentedAnswer(DOC, r.route.method, r.route.path, answer)).toBeNull();
      }),
      { numRuns: RUNS, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31), endOnFailure: true },
    );
    // The run met every route, each with at least one refusal (else the generators are too polite).
    const routes = new Set([...statuses.keys()].map((k) => k.split(' ').slice(0, 2).join(' ')));
    expect(routes.size).toBe(V1_ROUTES.length);
    const refusals = [...statuses.entries()].filter(([k]) => Number(k.split(' ')[2]) >= 400).reduce((n, [, c]) => n + c, 0);
    expect(refusals).toBeGreaterThan(RUNS / 2);
    console.info(`[http contract] ${RUNS} requests: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
  });
});
