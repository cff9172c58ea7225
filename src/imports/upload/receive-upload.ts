import { createWriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { finished, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { AppError } from '../../errors.ts';
import { FilePartHeaders, multipartBoundary } from './file-part-headers.ts';
import { storageError } from './storage-error.ts';
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

/** The request ended before its body did: nobody is left to answer, and nothing is kept. */
export function clientGone(cause?: unknown): AppError {
  const detail = cause instanceof Error ? ` (${cause.message})` : '';
  return new AppError('upload_interrupted', `The connection closed before the upload was complete${detail}; nothing was queued.`, 400);
}

/** What a failed write means for the client: our own 4xx as it is, a storage failure as 507. */
function asUploadError(err: unknown): Error {
  if (err instanceof AppError) return err;
  return storageError(err) ?? (err instanceof Error ? err : new Error(String(err)));
}

/**
 * Writes `source` through the guard into `path`. Settles on every path: the end of the body, a bad byte, a write
 * error, or a source that closes or fails before its end (a client gone mid-body). The file descriptor is closed
 * before it settles. The source is piped by hand, not put in the pipeline: the pipeline would destroy the request
 * (and its socket) on a bad byte, and the client would never read our 400; on error it is drained instead.
 */
async function writeGuarded(source: Readable, path: string, maxBytes: number): Promise<number> {
  const guard = new UploadGuard(maxBytes);
  const stopWatching = finished(source, { writable: false }, (err) => {
    if (err) guard.destroy(clientGone(err));
    // A source destroyed after its last byte but before 'end' counts as finished here, yet pipe() never ends the
    // guard then (busboy's part stream when the form is refused in the same chunk): end it, or the write hangs.
    else if (!guard.writableEnded) guard.end();
  });
  source.pipe(guard);
  try {
    await pipeline(guard, createWriteStream(path, { flags: 'wx' }));
    return guard.stats.bytes;
  } catch (err) {
    source.unpipe(guard);
    source.resume();
    throw asUploadError(err);
  } finally {
    stopWatching();
  }
}

const multipartError = (err: unknown) =>
  new AppError('bad_multipart', `The multipart body cannot be read: ${(err as Error).message}`, 400);

type Settle = { resolve: (upload: ReceivedUpload) => void; reject: (err: Error) => void };

/**
 * One multipart upload: busboy parses the body, the `file` part is written through the guard, and the first
 * refusal (or the client leaving) tears everything down and settles once.
 */
class MultipartUpload {
  private readonly marker: FilePartHeaders;
  private readonly fields: Record<string, string> = {};
  private part: Readable | undefined;
  private written: Promise<number> | undefined;
  private fileName: string | undefined;
  private settled = false;
  private readonly stopWatching: () => void;

  constructor(
    private readonly req: IncomingMessage,
    private readonly parser: busboy.Busboy,
    private readonly path: string,
    private readonly maxBytes: number,
    private readonly settle: Settle,
  ) {
    this.marker = new FilePartHeaders(multipartBoundary(req.headers['content-type']) ?? '', 'file');
    this.stopWatching = finished(req, { writable: false }, (err) => {
      if (err) this.fail(clientGone(err));
    });
    parser.on('field', (name, value) => {
      this.fields[name] = value;
    });
    parser.on('filesLimit', () => {
      this.fail(new AppError('multiple_files', 'The form holds more than one file part: send the CSV as a single "file" part.', 400));
    });
    parser.on('file', (name, stream, info) => this.onFile(name, stream, info.filename));
    parser.on('error', (err) => this.fail(multipartError(err)));
    parser.on('close', () => this.onClose());
    req.pipe(this.marker).pipe(parser);
  }

  private readonly fail = (err: Error): void => {
    if (this.settled) return;
    this.settled = true;
    this.stopWatching();
    this.req.unpipe(this.marker);
    this.req.resume();
    this.marker.unpipe(this.parser);
    this.parser.destroy();
    // Without an error: once writeGuarded has settled nobody listens for one, and it would be uncaught.
    this.part?.destroy();
    // Answer once the file is closed, so the handler's clean-up removes a file nobody holds open.
    void Promise.resolve(this.written)
      .catch(() => undefined)
      .finally(() => this.settle.reject(err));
  };

  private onFile(name: string, stream: Readable, fileName: string | undefined): void {
    // Destroying the parser (on any refusal) destroys its current part with an error; unheard, that error would
    // crash the process. writeGuarded learns of it through finished().
    stream.on('error', () => undefined);
    if (name !== 'file') {
      stream.resume();
      this.fail(new AppError('unexpected_file', `The form holds a file part named "${name}": send the CSV as the "file" part.`, 400));
      return;
    }
    this.part = stream;
    this.fileName = fileName;
    // busboy stops at fileSize and reports it with 'limit'; the guard would never see the extra bytes.
    stream.on('limit', () => this.fail(tooLarge(this.maxBytes)));
    this.written = writeGuarded(stream, this.path, this.maxBytes);
    this.written.catch(this.fail);
  }

  private onClose(): void {
    if (this.settled) return;
    if (!this.written) {
      this.fail(new AppError('missing_file', 'The multipart body has no "file" part holding the CSV.', 400));
      return;
    }
    this.written.then((bytes) => {
      if (this.settled) return;
      this.settled = true;
      this.stopWatching();
      this.settle.resolve({ fileName: this.fileName, bytes, fields: this.fields });
    }, this.fail);
  }
}

function receiveMultipart(req: IncomingMessage, path: string, maxBytes: number): Promise<ReceivedUpload> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fields: 20, fieldSize: 4096, fileSize: maxBytes } });
    } catch (err) {
      req.resume();
      reject(multipartError(err));
      return;
    }
    new MultipartUpload(req, parser, path, maxBytes, { resolve, reject });
  });
}

/**
 * Streams the CSV of `POST /v1/imports` to `path`, never holding it in memory: a `text/csv` body or the `file`
 * part of a multipart form (with or without a filename). Enforces the size limit (413), UTF-8 and no NUL bytes
 * (400), one file part (400); a full or unwritable DATA_DIR answers 507. Every path settles, including a client
 * that vanishes or sends a short body.
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
