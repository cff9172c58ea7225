import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/http/app.ts';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.ts';
import { listenOnFreePort, type ListeningApp } from '../../helpers/http.ts';
import { createTestServices, type TestServices } from '../../helpers/services.ts';

const BIG_CSV = `email,name\n${Array.from({ length: 8000 }, (_, i) => `user${i}@example.com,User ${i}`).join('\n')}\n`;
const SMALL_CSV = 'email,name\nann@example.com,Ann\n';

/** A 64 KiB tmpfs: a disk that really fills up. Needs root with CAP_SYS_ADMIN; returns undefined without it. */
function mountTinyDisk(): { path: string; unmount(): void } | undefined {
  const path = mkdtempSync(join(tmpdir(), 'stripe-bulk-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', path], { stdio: 'ignore' });
  } catch {
    rmSync(path, { recursive: true, force: true });
    return undefined;
  }
  return {
    path,
    unmount() {
      execFileSync('umount', [path], { stdio: 'ignore' });
      rmSync(path, { recursive: true, force: true });
    },
  };
}

describe('an upload DATA_DIR cannot take answers 507 and leaves nothing behind', () => {
  let emulator: TestEmulator | undefined;
  let services: TestServices | undefined;
  let listening: ListeningApp | undefined;
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    try {
      await listening?.close();
      await services?.close();
      await emulator?.close();
    } finally {
      // Never leave a mount behind, whatever failed above.
      for (const cleanup of cleanups.splice(0)) cleanup();
    }
  });

  async function start(dataDir: string): Promise<string> {
    emulator = await startTestEmulator();
    services = createTestServices({ emulatorUrl: emulator.url, env: { DATA_DIR: dataDir } });
    listening = await listenOnFreePort(createApp(services, { keyStatus: () => ({ ok: true, message: 'checked by the test' }) }));
    return `${listening.baseUrl}/v1/imports`;
  }

  async function expect507(res: Response, errno: RegExp): Promise<void> {
    const body = (await res.json()) as { error: { code: string; message: string; details: { errno: string } } };
    expect(res.status).toBe(507);
    expect(body.error.code).toBe('insufficient_storage');
    expect(body.error.message).toMatch(/DATA_DIR/);
    expect(body.error.details.errno).toMatch(errno);
  }

  const form = (text: string) => {
    const f = new FormData();
    f.append('file', new Blob([text], { type: 'text/csv' }), 'big.csv');
    return f;
  };

  it('a full disk (a 64 KiB tmpfs): 507, the partial file and its directory removed, nothing queued', async () => {
    const disk = mountTinyDisk();
    // Without the right to mount (an unprivileged container), a DATA_DIR that is a file stands in: same refusal path.
    const parent = disk ? undefined : mkdtempSync(join(tmpdir(), 'stripe-bulk-notdir-'));
    const dataDir = disk?.path ?? join(parent!, 'data');
    if (disk) cleanups.push(() => disk.unmount());
    else {
      writeFileSync(dataDir, 'not a directory');
      cleanups.push(() => rmSync(parent!, { recursive: true, force: true }));
    }
    console.info(disk ? `DATA_DIR is a 64 KiB tmpfs at ${disk.path}` : 'cannot mount here: DATA_DIR is a regular file instead');
    const url = await start(dataDir);
    const free = () => statfsSync(dataDir).bfree;
    const freeBefore = disk ? free() : 0;

    await expect507(await fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: BIG_CSV }), disk ? /ENOSPC/ : /ENOTDIR/);
    await expect507(await fetch(url, { method: 'POST', body: form(BIG_CSV) }), disk ? /ENOSPC/ : /ENOTDIR/);
    expect(await services!.queues.import.getJobCounts('waiting', 'active', 'delayed')).toEqual({ waiting: 0, active: 0, delayed: 0 });
    if (disk) {
      expect(readdirSync(join(dataDir, 'imports'))).toEqual([]);
      expect(free()).toBe(freeBefore);
      // The space was given back: a file that fits goes through.
      const ok = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: SMALL_CSV });
      expect(ok.status).toBe(202);
    }
  });

  it('an imports folder that became a file after start-up: 507 naming DATA_DIR, nothing queued', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stripe-bulk-data-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const url = await start(dataDir);
    const ok = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: SMALL_CSV });
    expect(ok.status).toBe(202);
    rmSync(join(dataDir, 'imports'), { recursive: true });
    writeFileSync(join(dataDir, 'imports'), 'an operator mistake');

    await expect507(await fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: SMALL_CSV }), /ENOTDIR/);
    await expect507(await fetch(url, { method: 'POST', body: form(SMALL_CSV) }), /ENOTDIR/);
    expect(await services!.queues.import.getJobCounts('waiting')).toEqual({ waiting: 1 });
    rmSync(join(dataDir, 'imports'));
    mkdirSync(join(dataDir, 'imports'));
    expect((await fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: SMALL_CSV })).status).toBe(202);
    expect(existsSync(join(dataDir, 'imports'))).toBe(true);
  });
});
