import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/http/app.ts';
import { BOARD_PATH } from '../../../src/http/board.ts';
import { OPENAPI_DOCUMENT as DOC } from '../../../src/http/openapi/openapi-document.ts';
import type { ParameterObject } from '../../../src/http/openapi/openapi-types.ts';
import { OPENAPI_PATH } from '../../../src/http/routes/openapi-route.ts';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.ts';
import { listenOnFreePort } from '../../helpers/http.ts';
import { createTestServices, type TestServices } from '../../helpers/services.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { documentedRoutes, inlineRefs, operationOf, routeName, sendRaw, servedRoutes, undocumentedAnswer, validatorOf } from './openapi-contract.ts';

const API_TOKEN = 'openapi-test-token-0123456789';
const AUTH = { Authorization: `Bearer ${API_TOKEN}` };
/** Mounted routers that are applications of their own: documented as one GET each. */
const OPAQUE_MOUNTS = [BOARD_PATH];

let emulator: TestEmulator;
let services: TestServices;
let baseUrl: string;
let served: ReturnType<typeof servedRoutes>;

const closing = closeAfterAll();

beforeAll(async () => {
  emulator = closing(await startTestEmulator());
  services = closing(
    createTestServices({
      emulatorUrl: emulator.url,
      env: { API_TOKEN, BOARD_USER: 'operator', BOARD_PASSWORD: 'board-password-1' },
    }),
  );
  const app = createApp(services, { keyStatus: () => ({ ok: true, message: 'checked by the test' }) });
  served = servedRoutes(app, OPAQUE_MOUNTS);
  services.startWorkers();
  baseUrl = closing(await listenOnFreePort(app)).baseUrl;
});

/**
 * Asserts that `res` is an answer the document gives for `method path`: a documented status, a documented media
 * type, and for JSON a body that fits the schema. Returns the body (parsed JSON, or text).
 */
async function expectDocumented(method: string, path: string, res: Response): Promise<unknown> {
  const text = await res.text();
  const contentType = res.headers.get('content-type') ?? '';
  expect(undocumentedAnswer(DOC, method, path, { status: res.status, contentType, text })).toBeNull();
  return contentType.startsWith('application/json') ? JSON.parse(text) : text;
}

/** A value for each path parameter: the first example of its schema (which must itself fit the schema). */
function samplePath(path: string): string {
  const params: ParameterObject[] = DOC.paths[path]?.parameters ?? [];
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const param = params.find((p) => p.name === name && p.in === 'path');
    const schema = inlineRefs(param?.schema, DOC) as { examples?: string[] } | undefined;
    const example = schema?.examples?.[0];
    if (example === undefined) throw new Error(`${path}: path parameter ${name} is undeclared or has no example`);
    return example;
  });
}

const call = (method: string, path: string, init: RequestInit = {}) => {
  // Headers, not object spread: `init.headers` may be a Headers or a list of pairs, which a spread would lose.
  const headers = new Headers(AUTH);
  new Headers(init.headers).forEach((value, name) => headers.set(name, value));
  return fetch(`${baseUrl}${path}`, { method: method.toUpperCase(), ...init, headers });
};

const json = (body: unknown): RequestInit => ({ body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });

describe('the OpenAPI document', () => {
  it('is served at /openapi.json without a token, and every $ref, path parameter and example holds', async () => {
    const res = await fetch(`${baseUrl}${OPENAPI_PATH}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(DOC)));
    expect(DOC.openapi).toBe('3.1.0');

    expect(() => inlineRefs(DOC.paths, DOC)).not.toThrow();
    const ids = documentedRoutes(DOC).map((r) => operationOf(DOC, r.method, r.path).operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [path, item] of Object.entries(DOC.paths)) {
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = (item.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      expect(declared, path).toEqual(templated);
    }
    for (const [name, schema] of Object.entries(DOC.components.schemas)) {
      const examples = (schema as { examples?: unknown[] }).examples ?? [];
      for (const example of examples) expect(validatorOf(schema, DOC).safeParse(example).success, name).toBe(true);
    }
  });

  it('describes exactly the routes the app serves (walked from the Express router stack)', () => {
    const names = (routes: { method: string; path: string }[]) => routes.map(routeName).sort();
    // Sanity: the walk reached the routers mounted under /v1 and the board.
    expect(names(served)).toEqual(expect.arrayContaining(['GET /v1/imports/{id}/results', `GET ${BOARD_PATH}`]));
    expect(names(served), 'served (left) vs documented (right)').toEqual(names(documentedRoutes(DOC)));
  });

  it('gets a documented answer, never the generic 404, from every documented method and path', async () => {
    const failures: string[] = [];
    for (const { method, path } of documentedRoutes(DOC)) {
      // Bodies that fail validation: a probe must not create anything.
      const init = method === 'post' ? json({ openapi_probe: true }) : {};
      const res = await call(method, samplePath(path), init);
      const text = await res.clone().text();
      // Express's own 404 is HTML; the app's /v1 fallback is JSON "There is no route…". A 404 naming the sample id is fine.
      const generic = res.status === 404 && (!text.startsWith('{') || text.includes('There is no route'));
      if (generic) {
        failures.push(`${method.toUpperCase()} ${path}: ${res.status} ${text.slice(0, 120)}`);
        continue;
      }
      await expectDocumented(method, path, res);
    }
    expect(failures, 'documented but not served').toEqual([]);
  });

  it('documents the 401 of /v1 without a token, and the board with and without basic auth', async () => {
    const noToken = await fetch(`${baseUrl}/v1/imports`);
    expect(noToken.status).toBe(401);
    await expectDocumented('get', '/v1/imports', noToken);
    const noCredentials = await fetch(`${baseUrl}${BOARD_PATH}`);
    expect(noCredentials.status).toBe(401);
    await expectDocumented('get', BOARD_PATH, noCredentials);
    const board = await fetch(`${baseUrl}${BOARD_PATH}`, {
      headers: { Authorization: `Basic ${Buffer.from('operator:board-password-1').toString('base64')}` },
    });
    expect(board.status).toBe(200);
    await expectDocumented('get', BOARD_PATH, board);
  });
});

describe('every status a refused body gets is documented for its operation', () => {
  const bodies: Array<[string, Record<string, string>, string]> = [
    ['form-encoded', { 'Content-Type': 'application/x-www-form-urlencoded' }, "query=email:'a@example.com'"],
    ['text/plain', { 'Content-Type': 'text/plain' }, '{"gzip":true}'],
    ['untyped', {}, '{"gzip":true}'],
    ['latin1 JSON', { 'Content-Type': 'application/json; charset=latin1' }, '{}'],
    ['broken JSON', { 'Content-Type': 'application/json' }, '{"gzip":'],
    ['over 1 MB', { 'Content-Type': 'application/json' }, `{"email":"${'x'.repeat(1_100_000)}"}`],
  ];

  it('JSON operations answer 415, 413 or 400, each documented; the others ignore a stray body', async () => {
    const seen: string[] = [];
    let jsonOperations = 0;
    for (const { method, path } of documentedRoutes(DOC).filter((r) => r.path.startsWith('/v1/'))) {
      const op = operationOf(DOC, method, path);
      const takesJson = op.requestBody?.content['application/json'] !== undefined;
      if (takesJson) jsonOperations += 1;
      // The upload route reads CSV and multipart only: its own 415 is covered by the upload tests.
      if (op.requestBody !== undefined && !takesJson) continue;
      for (const [name, headers, body] of bodies) {
        const res = await sendRaw(`${baseUrl}${samplePath(path)}`, method.toUpperCase(), { ...AUTH, ...headers }, body);
        expect(undocumentedAnswer(DOC, method, path, res)).toBeNull();
        if (takesJson) {
          const want = name === 'broken JSON' ? 400 : name === 'over 1 MB' ? 413 : 415;
          expect(res.status, `${method} ${path} ${name}`).toBe(want);
        } else {
          expect([400, 413, 415], `${method} ${path} ${name}: a body it never reads`).not.toContain(res.status);
        }
        seen.push(`${method.toUpperCase()} ${path} ${name} ${res.status}`);
      }
    }
    // Four refused media types and one oversized body per JSON operation, counted so a new JSON route needs no edit here.
    expect(jsonOperations).toBeGreaterThanOrEqual(3);
    expect(seen.filter((s) => s.endsWith(' 415')).length).toBe(4 * jsonOperations);
    expect(seen.filter((s) => s.endsWith(' 413')).length).toBe(jsonOperations);
  });
});

describe('responses of real work fit the documented schemas', () => {
  type Job = { status: string; counts: Record<string, number> };
  async function waitFor(path: string, template: string, done: (body: Job) => boolean): Promise<Job> {
    // Bounded by time, not by polls: a loaded CI machine can take a while to start the worker.
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline) {
      const body = (await expectDocumented('get', template, await call('get', path))) as Job;
      if (done(body)) return body;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${path} did not finish within 45 s`);
  }

  it('an import: upload (text/csv and multipart), status while running and at the end, list, results, cancel', async () => {
    const csv = 'email,name\nopenapi.one@example.com,One\nnot-an-email,Bad\nopenapi.two@example.com,Two\n';
    const res = await call('post', '/v1/imports?mode=create&file_name=people.csv', { body: csv, headers: { 'Content-Type': 'text/csv' } });
    expect(res.status).toBe(202);
    const created = (await expectDocumented('post', '/v1/imports', res)) as { id: string };
    expect(res.headers.get('location')).toBe(`/v1/imports/${created.id}`);

    const done = await waitFor(`/v1/imports/${created.id}`, '/v1/imports/{id}', (b) => b.status === 'completed');
    expect(done.counts).toMatchObject({ total: 3, processed: 3, created: 2, failed: 1 });

    const form = new FormData();
    form.append('dry_run', 'true');
    form.append('file', new Blob(['email\nopenapi.one@example.com\n'], { type: 'text/csv' }), 'dry.csv');
    const dry = (await expectDocumented('post', '/v1/imports', await call('post', '/v1/imports', { body: form }))) as { id: string };
    await waitFor(`/v1/imports/${dry.id}`, '/v1/imports/{id}', (b) => b.status === 'completed');

    const list = (await expectDocumented('get', '/v1/imports', await call('get', '/v1/imports?limit=5'))) as { data: { id: string }[] };
    expect(list.data.map((i) => i.id)).toEqual([dry.id, created.id]);
    const results = await expectDocumented('get', '/v1/imports/{id}/results', await call('get', `/v1/imports/${created.id}/results`));
    expect(String(results)).toMatch(/^row,email,action,customer_id,message\n/);
    const cancel = await call('delete', `/v1/imports/${created.id}`);
    expect(cancel.status).toBe(409);
    await expectDocumented('delete', '/v1/imports/{id}', cancel);
    const bad = await call('post', '/v1/imports', { body: 'name\nAnn\n', headers: { 'Content-Type': 'text/csv' } });
    expect(bad.status).toBe(400);
    await expectDocumented('post', '/v1/imports', bad);
  });

  it('an export and a schedule: create, status, file, list, cancel of a finished one, delete', async () => {
    await emulator.stripe.customers.create({ email: 'exported@example.com', name: 'Exported' });
    const res = await call('post', '/v1/exports', json({ columns: ['id', 'email'] }));
    expect(res.status).toBe(202);
    const created = (await expectDocumented('post', '/v1/exports', res)) as { id: string };
    await waitFor(`/v1/exports/${created.id}`, '/v1/exports/{id}', (b) => b.status === 'completed');
    const file = await expectDocumented('get', '/v1/exports/{id}/file', await call('get', `/v1/exports/${created.id}/file`));
    expect(String(file)).toContain('exported@example.com');
    const list = (await expectDocumented('get', '/v1/exports', await call('get', '/v1/exports'))) as { data: { id: string }[] };
    expect(list.data.map((e) => e.id)).toContain(created.id);
    const cancel = await call('delete', `/v1/exports/${created.id}`);
    expect(cancel.status).toBe(409);
    await expectDocumented('delete', '/v1/exports/{id}', cancel);

    const made = await call('post', '/v1/export-schedules', json({ cron: '0 3 * * *', tz: 'Europe/Paris', keep: 3, gzip: true }));
    expect(made.status).toBe(201);
    const schedule = (await expectDocumented('post', '/v1/export-schedules', made)) as { id: string };
    await expectDocumented('get', '/v1/export-schedules', await call('get', '/v1/export-schedules'));
    await expectDocumented('get', '/v1/export-schedules/{id}', await call('get', `/v1/export-schedules/${schedule.id}`));
    await expectDocumented('get', '/v1/exports', await call('get', `/v1/exports?schedule_id=${schedule.id}`));
    const removed = await call('delete', `/v1/export-schedules/${schedule.id}`);
    expect(removed.status).toBe(200);
    await expectDocumented('delete', '/v1/export-schedules/{id}', removed);
    const bad = await call('post', '/v1/export-schedules', json({ cron: 'every day' }));
    expect(bad.status).toBe(400);
    await expectDocumented('post', '/v1/export-schedules', bad);
  });
  it('an audit: create, status, file, cancel of a finished one, an unknown kind', async () => {
    const res = await call('post', '/v1/audits', json({ kind: 'duplicate_emails' }));
    expect(res.status).toBe(202);
    const created = (await expectDocumented('post', '/v1/audits', res)) as { id: string };
    await waitFor(`/v1/audits/${created.id}`, '/v1/audits/{id}', (b) => b.status === 'completed');
    const file = await expectDocumented('get', '/v1/audits/{id}/file', await call('get', `/v1/audits/${created.id}/file`));
    expect(String(file)).toMatch(/^group,normalised_email,customer_id,/);
    const cancel = await call('delete', `/v1/audits/${created.id}`);
    expect(cancel.status).toBe(409);
    await expectDocumented('delete', '/v1/audits/{id}', cancel);
    const bad = await call('post', '/v1/audits', json({ kind: 'everything' }));
    expect(bad.status).toBe(400);
    await expectDocumented('post', '/v1/audits', bad);
  });
});
