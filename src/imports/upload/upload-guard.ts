import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { AppError } from '../../errors.ts';

/** What the guard saw once the whole upload went through it. */
export interface UploadStats {
  bytes: number;
}

/**
 * Passes an upload through unchanged while checking it on the way: at most `maxBytes` (413 beyond), valid
 * UTF-8 (a streaming fatal TextDecoder, so a multi-byte character split across chunks is fine), and no NUL
 * byte (a binary file that happens to decode). Errors are AppErrors the route answers as they are.
 */
export class UploadGuard extends Transform {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private received = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  get stats(): UploadStats {
    return { bytes: this.received };
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const offset = this.received;
    this.received += chunk.length;
    if (this.received > this.maxBytes) {
      done(tooLarge(this.maxBytes));
      return;
    }
    try {
      this.decoder.decode(chunk, { stream: true });
    } catch {
      done(notUtf8(offset, chunk));
      return;
    }
    const nul = chunk.indexOf(0);
    if (nul !== -1) {
      done(new AppError('not_csv', `The file is not CSV text: it holds a NUL byte at offset ${offset + nul}.`, 400));
      return;
    }
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    try {
      this.decoder.decode();
    } catch {
      done(new AppError('not_utf8', 'The file is not UTF-8: it ends in the middle of a character. Save it as UTF-8 CSV.', 400));
      return;
    }
    done();
  }
}

export function tooLarge(maxBytes: number): AppError {
  return new AppError('upload_too_large', `The file is larger than the limit of ${maxBytes} bytes (UPLOAD_MAX_BYTES).`, 413, {
    max_bytes: maxBytes,
  });
}

function notUtf8(offset: number, chunk: Buffer): AppError {
  // Find the first bad byte for the message; a decoder per byte would be slow, but this runs once per bad upload.
  let at = 0;
  const probe = new StringDecoder('utf8');
  for (; at < chunk.length; at++) {
    if (probe.write(chunk.subarray(at, at + 1)).includes('\uFFFD')) break;
  }
  const where = at < chunk.length ? ` near byte ${offset + at}` : '';
  return new AppError(
    'not_utf8',
    `The file is not UTF-8${where}. Save it as "CSV UTF-8" (Excel) or convert it, e.g. iconv -f latin1 -t utf-8.`,
    400,
  );
}
