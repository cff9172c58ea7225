import { Readable } from 'node:stream';
import busboy from 'busboy';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FilePartHeaders, multipartBoundary } from '../../../src/imports/upload/file-part-headers.ts';

const BOUNDARY = '----form7MA4YWxkTrZu0gW';

/** Feeds `body` in the given chunk sizes through FilePartHeaders into busboy; returns what busboy saw. */
async function parse(body: Buffer, sizes: number[]): Promise<{ files: { name: string; filename?: string; text: string }[]; fields: Record<string, string> }> {
  const chunks: Buffer[] = [];
  let at = 0;
  for (const size of sizes) {
    if (at >= body.length) break;
    chunks.push(body.subarray(at, at + size));
    at += size;
  }
  if (at < body.length) chunks.push(body.subarray(at));
  const parser = busboy({ headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } });
  const files: { name: string; filename?: string; text: string }[] = [];
  const fields: Record<string, string> = {};
  const reading: Promise<void>[] = [];
  parser.on('field', (name, value) => {
    fields[name] = value;
  });
  parser.on('file', (name, stream, info) => {
    reading.push(
      (async () => {
        const parts: Buffer[] = [];
        for await (const part of stream) parts.push(part as Buffer);
        files.push({ name, filename: info.filename, text: Buffer.concat(parts).toString('utf8') });
      })(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    parser.on('close', resolve);
    parser.on('error', reject);
    Readable.from(chunks).pipe(new FilePartHeaders(BOUNDARY, 'file')).pipe(parser);
  });
  await Promise.all(reading);
  return { files, fields };
}

function form(parts: string[]): Buffer {
  return Buffer.from(`preamble\r\n${parts.map((p) => `--${BOUNDARY}\r\n${p}\r\n`).join('')}--${BOUNDARY}--\r\nepilogue`);
}

describe('FilePartHeaders', () => {
  it('reads the boundary of a Content-Type, quoted or not', () => {
    expect(multipartBoundary(`multipart/form-data; boundary=${BOUNDARY}`)).toBe(BOUNDARY);
    expect(multipartBoundary('multipart/form-data; boundary="a b"; charset=utf-8')).toBe('a b');
    expect(multipartBoundary('multipart/form-data')).toBeUndefined();
  });

  it('turns a "file" part without filename into a streamed file; other parts and bytes pass unchanged, however the body is cut', async () => {
    const csvText = 'email,name\r\nann@example.com,"Ann\r\n--not a boundary"\r\n';
    const body = form([
      'Content-Disposition: form-data; name="mode"\r\n\r\nupsert',
      'Content-Disposition: form-data; name="note"\r\nContent-Type: text/plain\r\n\r\nname="file" stays a field',
      `Content-Disposition: form-data; name="file"\r\nContent-Type: text/plain\r\n\r\n${csvText}`,
    ]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 60 }), async (sizes) => {
        const seen = await parse(body, sizes);
        expect(seen.fields).toEqual({ mode: 'upsert', note: 'name="file" stays a field' });
        expect(seen.files).toEqual([{ name: 'file', filename: undefined, text: csvText }]);
      }),
      { numRuns: 200 },
    );
  });

  it('leaves a part that has a filename as it is', async () => {
    const body = form(['Content-Disposition: form-data; name="file"; filename="c.csv"\r\nContent-Type: text/csv\r\n\r\nemail\r\na@x.com']);
    expect((await parse(body, [7])).files).toEqual([{ name: 'file', filename: 'c.csv', text: 'email\r\na@x.com' }]);
  });
});
