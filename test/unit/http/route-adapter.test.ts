import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../../src/deps.ts';
import { AppError } from '../../../src/errors.ts';
import type { HandlerRequest, RouteSpec } from '../../../src/http/handler-types.ts';
import { errorHandler } from '../../../src/http/middleware/error-handler.ts';
import { routerFromTable } from '../../../src/http/route-adapter.ts';
import { createLogger } from '../../../src/logger.ts';
import { listenOnFreePort, type ListeningApp } from '../../helpers/http.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';

/** The one adapter: what a handler returns (or throws) becomes the Express answer, over real HTTP. */
describe('routerFromTable', () => {
  let app: ListeningApp;
  let dir: string;
  // The adapter only hands deps through; the handlers below check they get this very object.
  const deps = { marker: 'deps' } as unknown as AppDeps;
  let seen: { deps: unknown; req: Omit<HandlerRequest, 'stream' | 'headers'> } | undefined;

  const closing = closeAfterAll();
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'route-adapter-'));
    await writeFile(join(dir, 'results.csv'), 'email\nann@x.com\nbob@x.com\n');
    const routes: RouteSpec[] = [
      {
        method: 'post',
        route: '/json/:id',
        body: 'json',
        handler: (d, req) => {
          seen = { deps: d, req: { params: req.params, query: req.query, body: req.body } };
          return Promise.resolve({ status: 201, headers: { Location: `/json/${req.params.id}` }, body: { id: req.params.id } });
        },
      },
      {
        method: 'post',
        route: '/upload',
        body: 'stream',
        handler: async (_d, req) => {
          const chunks: Buffer[] = [];
          for await (const chunk of req.stream) chunks.push(chunk as Buffer);
          return { status: 202, body: { received: Buffer.concat(chunks).toString('utf8'), type: req.headers['content-type'] } };
        },
      },
      {
        method: 'get',
        route: '/file',
        handler: () =>
          Promise.resolve({
            status: 200,
            file: { path: join(dir, 'results.csv'), end: 14, name: 'r.csv', contentType: 'text/csv; charset=utf-8' },
          }),
      },
      {
        method: 'get',
        route: '/sized',
        handler: () =>
          Promise.resolve({
            status: 200,
            file: { path: join(dir, 'results.csv'), length: 26, name: 'all.csv', contentType: 'text/csv; charset=utf-8' },
          }),
      },
      { method: 'get', route: '/text', handler: () => Promise.resolve({ status: 200, file: { text: 'email\n', name: 'e.csv', contentType: 'text/csv' } }) },
      { method: 'get', route: '/gone', handler: () => Promise.resolve({ status: 200, file: { path: join(dir, 'nope.csv'), name: 'n.csv', contentType: 'text/csv' } }) },
      { method: 'get', route: '/stream', handler: () => Promise.resolve({ status: 200, stream: Readable.from(['a,', 'b\n']), headers: { 'Content-Type': 'text/plain' } }) },
      {
        method: 'delete',
        route: '/refused',
        handler: () => Promise.reject(new AppError('export_expired', 'gone by retention', 410, { why: 'retention' })),
      },
      {
        method: 'get',
        route: '/broken',
        handler: () => Promise.reject(new Error('a bug')),
      },
    ];
    const server = express();
    server.use(routerFromTable(deps, routes));
    server.use(errorHandler(createLogger('silent')));
    app = closing(await listenOnFreePort(server));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const get = (path: string, init?: RequestInit) => fetch(`${app.baseUrl}${path}`, init);

  it('sends {status, body, headers} as JSON, with params, query and the parsed JSON body given to the handler', async () => {
    const res = await get('/json/abc?x=1', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"a":[1]}' });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('location')).toBe('/json/abc');
    expect(await res.json()).toEqual({ id: 'abc' });
    expect(seen).toEqual({ deps, req: { params: { id: 'abc' }, query: { x: '1' }, body: { a: [1] } } });
  });

  it("refuses a body that is not JSON on a body: 'json' route before the handler runs", async () => {
    seen = undefined;
    const res = await get('/json/abc', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'a=1' });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
    expect(seen).toBeUndefined();
  });

  it("lets a body: 'stream' handler read the request body itself", async () => {
    const res = await get('/upload', { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: 'email\na@x.com\n' });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ received: 'email\na@x.com\n', type: 'text/csv' });
  });

  it('streams a file up to its end byte as an uncached attachment, with Content-Length when given', async () => {
    const part = await get('/file');
    expect(part.status).toBe(200);
    expect(part.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(part.headers.get('content-disposition')).toBe('attachment; filename="r.csv"');
    expect(part.headers.get('cache-control')).toBe('no-store');
    expect(await part.text()).toBe('email\nann@x.com');
    const whole = await get('/sized');
    expect(whole.headers.get('content-length')).toBe('26');
    expect(await whole.text()).toBe('email\nann@x.com\nbob@x.com\n');
  });

  it('sends a text file body and a generic stream', async () => {
    const text = await get('/text');
    expect([text.status, text.headers.get('content-disposition'), await text.text()]).toEqual([200, 'attachment; filename="e.csv"', 'email\n']);
    const stream = await get('/stream');
    expect([stream.status, stream.headers.get('content-type'), await stream.text()]).toEqual([200, 'text/plain', 'a,b\n']);
  });

  it('answers a file that cannot be opened with the error middleware, not a cut download', async () => {
    const res = await get('/gone');
    expect(res.status).toBe(500);
    expect(res.headers.get('content-disposition')).toBeNull();
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('internal');
  });

  it('hands an AppError thrown by a handler to the error middleware, and any other error as a 500', async () => {
    const refused = await get('/refused', { method: 'DELETE' });
    expect(refused.status).toBe(410);
    expect(await refused.json()).toEqual({ error: { code: 'export_expired', message: 'gone by retention', details: { why: 'retention' } } });
    const broken = await get('/broken');
    expect(broken.status).toBe(500);
    expect(await broken.json()).toEqual({ error: { code: 'internal', message: 'Internal error; the server log has the details.' } });
  });
});
