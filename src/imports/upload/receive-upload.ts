import { createWriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { AppError } from '../../errors.ts';
import { tooLarge, UploadGuard } from './upload-guard.ts';

/** An upload written to disk. */
export interface ReceivedUpload {
  /** The name the client gave the file (multipart filename, or `file_name` for a raw body). */
  fileName: string | undefined;
  bytes: number;
  /** Form fields of a multipart upload (empty for a raw body). */
  fields: Record<string, string>;
}

const RAW_TYPES = new Set(['text/csv', 'application/csv', 'text/plain']);

/** Pipes `source` through the guard into `path`; on error the source is drained, not destroyed, so the client reads our answer. */
function writeGuarded(source: Readable, path: string, maxBytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const guard = new UploadGuard(maxBytes);
    const file = createWriteStream(path);
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      source.unpipe(guard);
      source.resume();
      guard.destroy();
      file.destroy();
      reject(err);
    };
    source.on('error', fail);
    guard.on('error', fail);
    file.on('error', fail);
    file.on('finish', () => {
      if (!failed) resolve(guard.stats.bytes);
    });
    source.pipe(guard).pipe(file);
  });
}

function receiveMultipart(req: IncomingMessage, path: string, maxBytes: number): Promise<ReceivedUpload> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fields: 20, fieldSize: 4096, fileSize: maxBytes } });
    } catch (err) {
      reject(new AppError('bad_multipart', `The multipart body cannot be read: ${(err as Error).message}`, 400));
      return;
    }
    const fields: Record<string, string> = {};
    let written: Promise<number> | undefined;
    let fileName: string | undefined;
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      req.resume();
      reject(err);
    };
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || written) {
        stream.resume();
        return;
      }
      fileName = info.filename;
      // busboy stops at fileSize and reports it with 'limit'; the guard would never see the extra bytes.
      stream.on('limit', () => fail(tooLarge(maxBytes)));
      written = writeGuarded(stream, path, maxBytes);
      written.catch(fail);
    });
    parser.on('error', (err) => fail(new AppError('bad_multipart', `The multipart body cannot be read: ${(err as Error).message}`, 400)));
    parser.on('close', () => {
      if (settled) return;
      if (!written) {
        fail(new AppError('missing_file', 'The multipart body has no "file" field holding the CSV.', 400));
        return;
      }
      written.then(
        (bytes) => {
          if (settled) return;
          settled = true;
          resolve({ fileName, bytes, fields });
        },
        fail,
      );
    });
    req.pipe(parser);
  });
}

/**
 * Streams the CSV of `POST /v1/imports` to `path`, never holding it in memory: a `text/csv` body or the `file`
 * field of a multipart form. Enforces the size limit (413), UTF-8 and no NUL bytes (400).
 */
export async function receiveUpload(req: IncomingMessage, path: string, maxBytes: number): Promise<ReceivedUpload> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    throw tooLarge(maxBytes);
  }
  if (type === 'multipart/form-data') return receiveMultipart(req, path, maxBytes);
  if (RAW_TYPES.has(type)) {
    const bytes = await writeGuarded(req, path, maxBytes);
    return { fileName: undefined, bytes, fields: {} };
  }
  req.resume();
  throw new AppError(
    'unsupported_media_type',
    `Send the CSV as a text/csv body or as the "file" field of a multipart/form-data form (got ${type || 'no Content-Type'}).`,
    415,
  );
}
