import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.ts';
import { checkUploadedHeader } from '../../../src/imports/upload/check-header.ts';
import { UploadGuard } from '../../../src/imports/upload/upload-guard.ts';

async function guard(chunks: Buffer[], max = 1000): Promise<AppError | number> {
  const g = new UploadGuard(max);
  try {
    await pipeline(Readable.from(chunks), g, new Writable({ write: (_c, _e, cb) => cb() }));
    return g.stats.bytes;
  } catch (err) {
    return err as AppError;
  }
}

describe('UploadGuard', () => {
  it('passes UTF-8 text, even with a character split across chunks', async () => {
    const text = Buffer.from('email,name\na@x.com,Zoë\n');
    const split = text.indexOf(0xc3) + 1;
    expect(await guard([text.subarray(0, split), text.subarray(split)])).toBe(text.length);
  });

  it('answers 413 past the limit', async () => {
    const err = await guard([Buffer.alloc(600, 'a'), Buffer.alloc(600, 'a')]);
    expect(err).toMatchObject({ code: 'upload_too_large', status: 413 });
  });

  it('answers 400 for Latin-1 bytes, a truncated character, or a NUL byte', async () => {
    expect(await guard([Buffer.from('email\nzo\xeb@x.com\n', 'latin1')])).toMatchObject({ code: 'not_utf8', status: 400 });
    expect(await guard([Buffer.from([0x65, 0xc3])])).toMatchObject({ code: 'not_utf8' });
    expect(await guard([Buffer.from('email\0\n')])).toMatchObject({ code: 'not_csv' });
  });
});

describe('checkUploadedHeader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'import-header-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const failure = async (path: string) => {
    try {
      await checkUploadedHeader(path);
    } catch (err) {
      return err as AppError;
    }
    throw new Error('expected a header error');
  };

  it('accepts a header with a BOM and CRLF, case-insensitively', async () => {
    const header = await checkUploadedHeader(file('ok.csv', '\uFEFFEmail , Name,metadata.Plan\r\na@x.com,A,pro\r\n'));
    expect(header.hasEmail).toBe(true);
    expect(header.columns.map((c) => c.header)).toEqual(['email', 'name', 'metadata.Plan']);
    expect(readFileSync(join(dir, 'ok.csv'), 'utf8')).toContain('a@x.com');
  });

  it('names the problems of a bad header', async () => {
    expect(await failure(file('empty.csv', ''))).toMatchObject({ code: 'empty_header', status: 400 });
    expect(await failure(file('blank.csv', '\n\nemail\n'))).toMatchObject({ code: 'empty_header' });
    const noKey = await failure(file('nokey.csv', 'name,phone\nA,1\n'));
    expect(noKey.message).toMatch(/email column or an id column/);
    const bad = await failure(file('bad.csv', 'email,colour,email\n'));
    expect(bad.code).toBe('invalid_header');
    expect(bad.message).toMatch(/unknown column .colour/);
    expect(bad.message).toMatch(/appears twice/);
    expect(bad.details?.problems).toHaveLength(2);
    expect(await failure(file('quote.csv', 'email,"name\n'))).toMatchObject({ code: 'not_csv' });
  });
});
