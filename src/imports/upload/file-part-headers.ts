import { Transform, type TransformCallback } from 'node:stream';

const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');
// busboy refuses part headers beyond 16 KiB; a longer block is passed on untouched for it to refuse.
const MAX_HEADER_BYTES = 16 * 1024;

/** The boundary of a multipart/form-data Content-Type, or undefined. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  return match?.[1] ?? match?.[2];
}

/**
 * busboy streams a part as a file only when it has a filename (or is application/octet-stream); a part without one
 * (`curl -F 'file=<customers.csv'`) becomes a field, held in memory and cut at fieldSize. This rewrites the headers
 * of a filename-less part named `fieldName` to `Content-Type: application/octet-stream`, so busboy streams it to
 * disk like any file; every other byte passes through unchanged.
 */
export class FilePartHeaders extends Transform {
  private readonly delimiter: Buffer;
  private pending: Buffer;
  private inHeaders = false;
  // The body is scanned as if preceded by CRLF (the first delimiter may open it); those two bytes are not output.
  private leadToDrop = CRLF.length;

  constructor(
    boundary: string,
    private readonly fieldName: string,
  ) {
    super();
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
    this.pending = CRLF;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.emitParts(this.scan(Buffer.concat([this.pending, chunk])));
    done();
  }

  override _flush(done: TransformCallback): void {
    this.emitParts([this.pending]);
    this.pending = Buffer.alloc(0);
    done();
  }

  private emitParts(parts: Buffer[]): void {
    let out = Buffer.concat(parts);
    if (this.leadToDrop > 0) {
      const drop = Math.min(this.leadToDrop, out.length);
      out = out.subarray(drop);
      this.leadToDrop -= drop;
    }
    if (out.length > 0) this.push(out);
  }

  /** Returns what can be passed on; keeps in `pending` what may be the start of a delimiter or a header block. */
  private scan(buf: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let pos = 0;
    for (;;) {
      if (!this.inHeaders) {
        const at = buf.indexOf(this.delimiter, pos);
        if (at === -1) {
          const keep = Math.min(buf.length - pos, this.delimiter.length - 1);
          out.push(buf.subarray(pos, buf.length - keep));
          this.pending = buf.subarray(buf.length - keep);
          return out;
        }
        out.push(buf.subarray(pos, at + this.delimiter.length));
        pos = at + this.delimiter.length;
        this.inHeaders = true;
        continue;
      }
      if (buf.length - pos < 2) {
        this.pending = buf.subarray(pos);
        return out;
      }
      if (buf[pos] === 0x2d && buf[pos + 1] === 0x2d) {
        // "--" after the delimiter closes the form; what follows is epilogue.
        this.inHeaders = false;
        continue;
      }
      const end = buf.indexOf(HEADERS_END, pos);
      if (end === -1) {
        if (buf.length - pos > MAX_HEADER_BYTES) {
          this.inHeaders = false;
          out.push(buf.subarray(pos));
          this.pending = Buffer.alloc(0);
          return out;
        }
        this.pending = buf.subarray(pos);
        return out;
      }
      out.push(this.rewrite(buf.subarray(pos, end + HEADERS_END.length)));
      pos = end + HEADERS_END.length;
      this.inHeaders = false;
    }
  }

  /** One part's header block (from after the delimiter to the blank line), rewritten when it is our file part. */
  private rewrite(block: Buffer): Buffer {
    // latin1 maps bytes to chars one to one, so an untouched block is written back byte for byte.
    const lines = block.toString('latin1').split('\r\n');
    const at = lines.findIndex((line) => /^content-disposition\s*:/i.test(line));
    const disposition = at === -1 ? '' : (lines[at] ?? '');
    const name = /;\s*name\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(disposition);
    const isOurs = (name?.[1] ?? name?.[2]) === this.fieldName && /^content-disposition\s*:\s*form-data\b/i.test(disposition);
    if (!isOurs || /;\s*filename\*?\s*=/i.test(disposition)) return block;
    const kept = lines.filter((line) => !/^content-type\s*:/i.test(line));
    kept.splice(kept.indexOf(disposition) + 1, 0, 'Content-Type: application/octet-stream');
    return Buffer.from(kept.join('\r\n'), 'latin1');
  }
}
