import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { customerToRow } from '../../src/csv/index.ts';
import { encodeCsvLine } from './csv-line.ts';
import { lineToCustomer } from './customer-line.ts';

/** What the final file holds. */
export interface RenderedFile {
  columns: string[];
  rows: number;
  bytes: number;
}

/** One slice rendered as CSV rows. */
export interface RenderedPart {
  rows: number;
  bytes: number;
}

/**
 * Part files are read in chunks of this size: each chunk is rendered and written before the next is read, so a
 * render running beside the fetching never holds the event loop for more than a few milliseconds (the limiter's
 * timers and the responses in flight keep their pace) and memory holds one chunk whatever the slice's size.
 */
const READ_CHUNK_BYTES = 64 * 1024;

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/**
 * Renders one slice's part file (JSON lines, in the slice's order) as CSV rows without a header into `csvPath`
 * (replaced). A part that was never created (a slice with no customer) gives an empty CSV part.
 */
export async function renderPartCsv(opts: {
  partPath: string;
  csvPath: string;
  columns: readonly string[];
  signal?: AbortSignal;
}): Promise<RenderedPart> {
  const handle = await open(opts.csvPath, 'w');
  let rows = 0;
  let bytes = 0;
  try {
    let rest = '';
    const input = createReadStream(opts.partPath, { encoding: 'utf8', highWaterMark: READ_CHUNK_BYTES });
    try {
      for await (const chunk of input) {
        opts.signal?.throwIfAborted();
        const text = rest + (chunk as string);
        let out = '';
        let start = 0;
        // JSON lines never hold a raw newline, so every `\n` ends a customer.
        for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
          if (nl > start) {
            out += encodeCsvLine(customerToRow(lineToCustomer(text.slice(start, nl)), opts.columns));
            rows += 1;
          }
          start = nl + 1;
        }
        rest = text.slice(start);
        if (out.length > 0) {
          const data = Buffer.from(out, 'utf8');
          await handle.write(data);
          bytes += data.length;
        }
      }
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
    if (rest.length > 0) {
      const data = Buffer.from(encodeCsvLine(customerToRow(lineToCustomer(rest), opts.columns)), 'utf8');
      await handle.write(data);
      bytes += data.length;
      rows += 1;
    }
  } finally {
    await handle.close();
  }
  return { rows, bytes };
}

/** The final file being written: the header, then rendered parts appended in file order. */
export interface OutputFile {
  /** Copies a rendered part (CSV rows) to the end of the file, with backpressure. */
  append(csvPath: string): Promise<void>;
  /** Ends the file and gives it its final name; answers its size. */
  close(): Promise<number>;
  /** Drops the unfinished file (a header that turned out incomplete, a cancel, an error). */
  abandon(): Promise<void>;
}

/**
 * Opens the final file under `<outPath>.tmp` (renamed by close, so a crash mid-write leaves no half file under the
 * final name; a resumed job renders again from the parts) and writes the header. Gzip, when asked, compresses as the
 * parts are appended.
 */
export function openOutputFile(opts: { outPath: string; gzip: boolean; columns: readonly string[] }): OutputFile {
  const tmp = `${opts.outPath}.tmp`;
  const file = createWriteStream(tmp);
  const gzip = opts.gzip ? createGzip() : undefined;
  const head: Writable = gzip ?? file;
  const done = gzip === undefined ? finished(file) : pipeline(gzip, file);
  // A write error also surfaces through `done`: keep it from being reported as unhandled before close() awaits it.
  done.catch(() => undefined);
  const write = async (chunk: Buffer) => {
    if (!head.write(chunk)) await once(head, 'drain');
  };
  let headerWritten: Promise<void> | undefined = write(Buffer.from(encodeCsvLine(opts.columns), 'utf8'));
  return {
    async append(csvPath) {
      await headerWritten;
      headerWritten = undefined;
      try {
        for await (const chunk of createReadStream(csvPath, { highWaterMark: 64 * 1024 })) await write(chunk as Buffer);
      } catch (err) {
        if (!isMissing(err)) throw err;
      }
    },
    async close() {
      await headerWritten;
      head.end();
      await done;
      await rename(tmp, opts.outPath);
      return (await stat(opts.outPath)).size;
    },
    async abandon() {
      head.destroy();
      if (head !== file) file.destroy();
      await done.catch(() => undefined);
      await rm(tmp, { force: true });
    },
  };
}
