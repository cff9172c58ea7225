import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/http/app.ts';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.ts';
import { listenOnFreePort, type ListeningApp } from '../../helpers/http.ts';
import { createTestServices, type TestServices } from '../../helpers/services.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { multipartBody, openDescriptors, rawRequest, uploadHead, type RawAnswer } from './raw-upload.ts';

const ROUNDS = 200;
const AT_ONCE = 20;
// Descriptors this process may legitimately hold above the baseline once every client is gone: none are expected
// (every request says Connection: close, so no keep-alive socket stays), but the Redis client may briefly hold a
// reconnecting socket and libuv a spare; a leak shows as one descriptor per upload, hundreds here.
const SLACK = 3;
const BOUNDARY = 'hostile-boundary-7f3a';
const GOOD_CSV = `email,name\n${Array.from({ length: 50 }, (_, i) => `user${i}@example.com,User ${i}`).join('\n')}\n`;
// Large enough that the header check stops reading long before the end of the file.
const BAD_HEADER_CSV = `name,phone\n${'Ann,+33 1 23 45 67 89\n'.repeat(12_000)}`;

const filePart = (content: string) => ({ disposition: 'form-data; name="file"; filename="c.csv"', type: 'text/csv', content });

/** The hostile clients, each one request over a bare socket; `expect` checks what a reading client saw. */
function hostileKinds(port: number): Record<string, { send: () => Promise<RawAnswer>; expect?: (a: RawAnswer) => void }> {
  const raw = (type: string, length: number, body: Buffer, ending: 'read-answer' | 'vanish') =>
    rawRequest(port, uploadHead(port, type, length), body, ending);
  const multipart = `multipart/form-data; boundary=${BOUNDARY}`;
  const goodForm = multipartBody(BOUNDARY, [filePart(GOOD_CSV)]);
  const good = Buffer.from(GOOD_CSV);
  return {
    'refused at the header check': {
      send: () => raw('text/csv', Buffer.byteLength(BAD_HEADER_CSV), Buffer.from(BAD_HEADER_CSV), 'read-answer'),
      expect: (a) => {
        expect(a.status).toBe(400);
        expect(a.body).toContain('invalid_header');
      },
    },
    'vanishing mid-body (text/csv)': { send: () => raw('text/csv', good.length + 100_000, good, 'vanish') },
    'vanishing mid-body (multipart)': { send: () => raw(multipart, goodForm.length, goodForm.subarray(0, 600), 'vanish') },
    'vanishing right after the whole body (text/csv)': { send: () => raw('text/csv', good.length, good, 'vanish') },
    'vanishing right after the whole body (multipart)': { send: () => raw(multipart, goodForm.length, goodForm, 'vanish') },
    'a Content-Length shorter than the body (multipart)': {
      send: () => raw(multipart, Math.floor(goodForm.length / 2), goodForm, 'read-answer'),
      // Ours (bad_multipart) or Node's own for the bytes after the declared end; never a 202, never silence.
      expect: (a) => expect(a.status).toBe(400),
    },
    'a Content-Length shorter than the body (text/csv)': { send: () => raw('text/csv', 12, good, 'read-answer') },
    'two file parts': {
      send: () => {
        const body = multipartBody(BOUNDARY, [filePart(GOOD_CSV), filePart('email\nsecond@example.com\n')]);
        return raw(multipart, body.length, body, 'read-answer');
      },
      expect: (a) => {
        expect(a.status).toBe(400);
        expect(a.body).toContain('multiple_files');
      },
    },
    'a file part under another name': {
      send: () => {
        const body = multipartBody(BOUNDARY, [{ ...filePart(GOOD_CSV), disposition: 'form-data; name="other"; filename="c.csv"' }]);
        return raw(multipart, body.length, body, 'read-answer');
      },
      expect: (a) => {
        expect(a.status).toBe(400);
        expect(a.body).toContain('unexpected_file');
      },
    },
    'a big file part, then a second one': {
      send: () => {
        const body = multipartBody(BOUNDARY, [filePart(GOOD_CSV.repeat(300)), filePart('email\nbob@example.com\n')]);
        return raw(multipart, body.length, body, 'read-answer');
      },
      expect: (a) => expect(a.body).toContain('multiple_files'),
    },
    // What `curl -F file=@a.csv -F file=@a.csv` sends: both parts in one packet, the first already whole when the
    // second is seen.
    'two small file parts': {
      send: () => {
        const body = multipartBody(BOUNDARY, [filePart('email\nann@example.com\n'), filePart('email\nbob@example.com\n')]);
        return raw(multipart, body.length, body, 'read-answer');
      },
      expect: (a) => {
        expect(a.status).toBe(400);
        expect(a.body).toContain('multiple_files');
      },
    },
  };
}

describe('hostile uploads leave no descriptor, no handler and no directory behind', () => {
  let emulator: TestEmulator;
  let services: TestServices;
  let listening: ListeningApp;
  let port: number;
  const closing = closeAfterAll();
  beforeAll(async () => {
    emulator = closing(await startTestEmulator());
    services = closing(createTestServices({ emulatorUrl: emulator.url }));
    listening = closing(await listenOnFreePort(createApp(services, { keyStatus: () => ({ ok: true, message: 'checked by the test' }) })));
    port = (listening.server.address() as AddressInfo).port;
  });

  const importsDir = () => join(services.dataDir, 'imports');
  const dirs = () => (existsSync(importsDir()) ? readdirSync(importsDir()) : []);
  const connections = () => new Promise<number>((resolve) => listening.server.getConnections((_e, n) => resolve(n)));

  /** Directories under DATA_DIR/imports that belong to no queued import (an upload still being refused, or a leak). */
  async function strayDirs(): Promise<string[]> {
    const stray: string[] = [];
    for (const id of dirs()) if (!(await services.queues.import.getJob(id))) stray.push(id);
    return stray;
  }

  /**
   * Waits (bounded) until the server is quiet: no connection open, no stray directory (the last refusals are still
   * removing theirs when their clients are gone) and the descriptor count back at the baseline. Returns the count.
   */
  async function settle(baseline: number): Promise<number> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const fds = openDescriptors();
      const quiet = (await connections()) === 0 && (await strayDirs()).length === 0;
      if ((quiet && fds <= baseline) || Date.now() > deadline) return fds;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it(`${ROUNDS} uploads of each bad kind: descriptors back at the baseline, only queued imports on disk`, async () => {
    const kinds = hostileKinds(port);
    for (const kind of Object.values(kinds)) kind.expect?.(await kind.send()); // warm-up: lazy modules, pools
    const baseline = await settle(Number.POSITIVE_INFINITY);
    expect(await strayDirs()).toEqual([]);
    for (const [name, kind] of Object.entries(kinds)) {
      for (let done = 0; done < ROUNDS; done += AT_ONCE) {
        const answers = await Promise.all(Array.from({ length: AT_ONCE }, () => kind.send()));
        for (const answer of answers) kind.expect?.(answer);
      }
      const fds = await settle(baseline);
      console.info(`fd: baseline ${baseline}, after ${ROUNDS} × ${name}: ${fds} (queued: ${dirs().length})`);
      expect(fds, name).toBeLessThanOrEqual(baseline + SLACK);
      expect(await strayDirs(), name).toEqual([]);
    }
    expect(await connections()).toBe(0);
    // A directory may remain only for an import that was really queued (a client that vanished a moment after the
    // server had decided), holding the whole file; a refused or broken upload leaves none.
    for (const id of dirs()) expect(readFileSync(join(importsDir(), id, 'input.csv'), 'utf8')).toMatch(/^email/);
    const counts = await services.queues.import.getJobCounts('waiting');
    expect(counts.waiting).toBe(dirs().length);
  });

  it(`${ROUNDS} multipart uploads whose file part has no filename are accepted whole`, async () => {
    const before = dirs().length;
    const body = multipartBody(BOUNDARY, [
      { disposition: 'form-data; name="mode"', content: 'upsert' },
      { disposition: 'form-data; name="file"', content: GOOD_CSV },
    ]);
    const baseline = openDescriptors();
    const ids: string[] = [];
    for (let done = 0; done < ROUNDS; done += AT_ONCE) {
      const answers = await Promise.all(
        Array.from({ length: AT_ONCE }, () =>
          rawRequest(port, uploadHead(port, `multipart/form-data; boundary=${BOUNDARY}`, body.length), body, 'read-answer'),
        ),
      );
      for (const answer of answers) {
        expect(answer.status, answer.body).toBe(202);
        const created = JSON.parse(answer.body) as { id: string; mode: string; file_name: string };
        expect(created).toMatchObject({ mode: 'upsert', file_name: 'upload.csv' });
        ids.push(created.id);
      }
    }
    expect(dirs().length).toBe(before + ROUNDS);
    for (const id of ids.slice(0, 5)) expect(readFileSync(join(importsDir(), id, 'input.csv'), 'utf8')).toBe(GOOD_CSV);
    expect(await settle(baseline)).toBeLessThanOrEqual(baseline + SLACK);
  });
});
