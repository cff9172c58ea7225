import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, createApiClient } from '../../../src/cli/api-client.ts';
import { runCli } from '../../../src/cli/main.ts';

// Answers as other servers give them: one of another shape, an older stripe-bulk without links, a newer one with a
// field this CLI does not know. The answers of the real server are read in cli.test.ts.
const IMPORT = {
  id: 'imp_3fQ9xKp2LmZ8aB1c',
  status: 'completed',
  mode: 'create',
  dry_run: false,
  file_name: 'people.csv',
  size_bytes: 40,
  counts: { total: 2, processed: 2, created: 2, updated: 0, unchanged: 0, skipped: 0, failed: 0 },
  created_at: '2026-12-03T21:00:00.000Z',
  started_at: '2026-12-03T21:00:01.000Z',
  finished_at: '2026-12-03T21:00:02.000Z',
  error: null,
  cancel_requested: false,
};
const ANSWERS: Record<string, unknown> = {
  '/other/v1/imports/imp_x': { status: 'ok', uptime: 12 },
  '/other/v1/exports': { items: [] },
  '/older/v1/imports/imp_x': IMPORT,
  '/newer/v1/imports/imp_x': { ...IMPORT, priority: 'high', links: { self: '/v1/imports/imp_x', results: '/r', log: '/l' } },
};

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const body = ANSWERS[req.url ?? ''];
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

describe('the CLI reads answers with the server schemas', () => {
  it('refuses JSON of another shape with an ApiError naming what is missing, never a TypeError later', async () => {
    const client = createApiClient({ baseUrl: `${url}/other` });
    const err: unknown = await client.getImport('imp_x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const apiError = err as ApiError;
    expect(apiError.status).toBe(200);
    expect(apiError.notStripeBulk).toContain('not shaped as stripe-bulk answers');
    expect(apiError.message).toContain('GET /v1/imports/imp_x');
    expect(apiError.serverMessage).toMatch(/^id: .*; status: .*; mode: .*; and \d+ more$/);
    await expect(client.listExports()).rejects.toThrow(/GET \/v1\/exports: the answer is not what stripe-bulk sends/);
  });

  it('takes an import without links (older servers) and ignores fields it does not know (newer ones)', async () => {
    const older = await createApiClient({ baseUrl: `${url}/older` }).getImport('imp_x');
    expect(older).toEqual(IMPORT);
    const newer = await createApiClient({ baseUrl: `${url}/newer` }).getImport('imp_x');
    expect(newer.counts.created).toBe(2);
    expect(newer.links).toEqual({ self: '/v1/imports/imp_x', results: '/r' });
  });

  it('tells the user the URL is not a stripe-bulk server when its JSON has another shape', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const printed: Buffer[] = [];
    stderr.on('data', (chunk: Buffer) => printed.push(chunk));
    const code = await runCli(['status', 'imp_x'], { stdout, stderr, env: { STRIPE_BULK_URL: `${url}/other` }, cwd: tmpdir() });
    const text = Buffer.concat(printed).toString('utf8');
    expect(code).toBe(1);
    expect(text).toContain(`STRIPE_BULK_URL (${url}/other) does not look like a stripe-bulk server`);
    expect(text).toContain('HTTP 200: id:');
    expect(text).not.toContain('Cannot read properties');
  });
});
