import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/http/app.ts';
import { BOARD_HEADERS, BOARD_PATH } from '../../../src/http/board.ts';
import { UI_HEADERS } from '../../../src/http/routes/ui-routes.ts';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.ts';
import { listenOnFreePort, type ListeningApp } from '../../helpers/http.ts';
import { createTestServices, type TestServices } from '../../helpers/services.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';

const BOARD_AUTH = `Basic ${Buffer.from('ops:board-password-1').toString('base64')}`;
let emulator: TestEmulator;
let services: TestServices;
let listening: ListeningApp;
let base: string;

/** One of the board's real script files, whatever its hashed name in this bull-board version. */
function boardScript(): string {
  const ui = dirname(createRequire(import.meta.url).resolve('@bull-board/ui/package.json'));
  const name = readdirSync(join(ui, 'dist/static/js')).find((f) => f.startsWith('main.') && f.endsWith('.js'));
  if (!name) throw new Error('no main.*.js in @bull-board/ui');
  return `static/js/${name}`;
}

const closing = closeAfterAll();

beforeAll(async () => {
  emulator = closing(await startTestEmulator());
  services = closing(createTestServices({ emulatorUrl: emulator.url, env: { BOARD_USER: 'ops', BOARD_PASSWORD: 'board-password-1' } }));
  listening = closing(await listenOnFreePort(createApp(services)));
  base = listening.baseUrl;
});

describe('page security headers', () => {
  it("keeps the upload page's strict policy on the page and its own files", async () => {
    for (const path of ['/', '/app.js', '/api.js', '/format.js', '/render.js', '/style.css']) {
      for (const method of ['GET', 'HEAD']) {
        const res = await fetch(base + path, { method });
        expect(res.status, `${method} ${path}`).toBe(200);
        for (const [name, value] of Object.entries(UI_HEADERS)) expect(res.headers.get(name), `${method} ${path}`).toBe(value);
      }
    }
    const csp = UI_HEADERS['Content-Security-Policy'];
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("style-src 'self';");
    expect(csp).toContain("script-src 'self';");
  });

  it("gives Bull Board its own policy, which allows its <base href>, inline styles and fonts but no foreign script", async () => {
    for (const path of [BOARD_PATH, `${BOARD_PATH}/`, `${BOARD_PATH}/${boardScript()}`, `${BOARD_PATH}/api/queues`]) {
      const res = await fetch(base + path, { headers: { Authorization: BOARD_AUTH } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('Content-Security-Policy'), path).toBe(BOARD_HEADERS['Content-Security-Policy']);
    }
    const csp = BOARD_HEADERS['Content-Security-Policy'];
    expect(csp).toContain("base-uri 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toMatch(/style-src 'self' 'unsafe-inline' https:\/\/fonts\.googleapis\.com/);
    expect(csp).toContain('font-src');
    expect(csp).not.toContain('unsafe-eval');
  });

  it('sends no page policy on API answers', async () => {
    const res = await fetch(`${base}/v1/imports`);
    expect(res.headers.get('Content-Security-Policy')).toBeNull();
  });
});
